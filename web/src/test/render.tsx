import { ApolloClient, ApolloLink } from '@apollo/client';
import { MockLink } from '@apollo/client/testing';
import { render } from '@testing-library/react';
import { createClient } from 'graphql-ws';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { createCache, type Api } from '../api/client';
import { ApiProvider } from '../api/context';
import { SessionStore, type Refresh } from '../api/session';
import { ToastProvider } from '../ui/toasts';

/**
 * A page as the app renders it: the real cache, session store and providers, with the
 * network answered by the responses given (GraphQL results, errors included).
 */
export function renderWithApi(ui: ReactElement, mocks: MockLink.MockedResponse[] = [], options: { refresh?: Refresh; path?: string; subscriptions?: ApolloLink } = {}) {
  const session = new SessionStore(localStorage, options.refresh ?? (() => Promise.reject(new Error('no refresh in this test'))));
  const mockLink = new MockLink(mocks, { showWarnings: false });
  // Subscriptions can be driven by the test itself (events sent when it says), as the socket would.
  const link = options.subscriptions ? ApolloLink.split(({ operationType }) => operationType === 'subscription', options.subscriptions, mockLink) : mockLink;
  const client = new ApolloClient({ link, cache: createCache() });
  const api: Api = {
    client,
    session,
    // Never connects: lazy, and subscriptions go through the MockLink above.
    socket: createClient({ url: 'ws://127.0.0.1:9/graphql', lazy: true }),
    onSocketState: () => () => undefined,
    reset: () => client.clearStore().then(() => undefined),
  };
  const view = render(
    <ApiProvider api={api}>
      <MemoryRouter initialEntries={[options.path ?? '/']}>
        <ToastProvider>{ui}</ToastProvider>
      </MemoryRouter>
    </ApiProvider>,
  );
  return { ...view, api };
}
