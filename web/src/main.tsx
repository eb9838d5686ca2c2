import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './app';
import { createApi, sameOriginUrls } from './api/client';
import { ApiProvider } from './api/context';
import './ui/styles.css';

const api = createApi({ ...sameOriginUrls(window.location), storage: window.localStorage });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </ApiProvider>
  </StrictMode>,
);
