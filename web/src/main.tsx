import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { createApi, sameOriginUrls } from './api/client';
import { ApiProvider } from './api/context';
import { dashboardVariables } from './features/dashboard/dates';
import { DashboardDocument } from './generated/graphql';
import './ui/styles.css';

const api = createApi({ ...sameOriginUrls(window.location), storage: window.localStorage });

// The dashboard's data is asked for while its code is still loading, not after: the page's
// useQuery then joins this request (Apollo deduplicates identical queries in flight).
if (api.session.get() && window.location.pathname === '/') {
  void api.client.query({ query: DashboardDocument, variables: dashboardVariables(new Date()) }).catch(() => undefined);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </ApiProvider>
  </StrictMode>,
);
