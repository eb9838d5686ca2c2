import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode, print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { from as fromPromise, switchMap } from 'rxjs';
import { RefreshTokenDocument, type SessionFragment } from '../generated/graphql';
import { SessionExpiredError, SessionStore } from './session';

export type SocketState = 'connecting' | 'connected' | 'reconnecting';

export interface Api {
  client: ApolloClient;
  session: SessionStore;
  socket: Client;
  onSocketState(listener: (state: SocketState) => void): () => void;
  /** Signs out locally: closes the socket and forgets every cached object. */
  reset(): Promise<void>;
}

/** The cache: objects normalized by id; lists that page or vary by argument merge correctly. */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          transactions: relayStylePagination(['filter']),
        },
      },
      // Money and the settings object have no id: they belong to the object that holds them.
      Money: { keyFields: false },
      AlertSettings: { keyFields: [], merge: true },
    },
  });
}

/** Rotates the refresh token by a plain request: the Apollo link chain needs a token to run. */
export function refreshOver(httpUrl: string) {
  return async (refreshToken: string): Promise<SessionFragment> => {
    const res = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(RefreshTokenDocument), variables: { refreshToken }, operationName: 'RefreshToken' }),
    });
    const body = (await res.json().catch(() => null)) as { data?: { refreshToken: SessionFragment }; errors?: { extensions?: { code?: string } }[] } | null;
    if (body?.data?.refreshToken) return body.data.refreshToken;
    if (body?.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'BAD_USER_INPUT')) throw new SessionExpiredError();
    throw new Error(`Could not refresh the session (HTTP ${res.status}).`);
  };
}

export function createApi(options: { httpUrl: string; wsUrl: string; storage: Storage }): Api {
  const session = new SessionStore(options.storage, refreshOver(options.httpUrl));
  const stateListeners = new Set<(state: SocketState) => void>();
  const announce = (state: SocketState) => stateListeners.forEach((l) => l(state));
  let everConnected = false;

  const socket = createClient({
    url: options.wsUrl,
    lazy: true,
    // Asked on every (re)connect, so a socket that dropped comes back with a fresh token.
    connectionParams: async () => {
      const token = await session.accessToken().catch(() => null);
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: Number.POSITIVE_INFINITY,
    // 4401 (token expired or revoked) too: the next connectionParams refreshes the token first.
    shouldRetry: () => session.get() !== null,
    retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 15_000) * (0.5 + Math.random() / 2))),
    on: {
      connecting: () => announce(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        everConnected = true;
        announce('connected');
      },
      closed: (event) => {
        if ((event as { code?: number } | undefined)?.code === 4401) void session.refreshNow().catch(() => undefined);
        if (everConnected) announce('reconnecting');
      },
    },
  });

  const auth = new SetContextLink(async (prev) => {
    const token = await session.accessToken().catch(() => null);
    return { headers: { ...(prev.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  });

  // An access token revoked or expired early (clock skew): refresh once and try again.
  const retryUnauthenticated = new ErrorLink(({ error, operation, forward }) => {
    const unauthenticated = CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    if (!unauthenticated || operation.getContext().retriedAuth || !session.get()) return;
    operation.setContext({ retriedAuth: true });
    return fromPromise(session.refreshNow()).pipe(
      switchMap((token) => {
        operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({ headers: { ...headers, authorization: `Bearer ${token}` } }));
        return forward(operation);
      }),
    );
  });

  const http = ApolloLink.from([retryUnauthenticated, auth, new HttpLink({ uri: options.httpUrl })]);
  const link = ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(socket), http);
  const client = new ApolloClient({ link, cache: createCache() });

  return {
    client,
    session,
    socket,
    onSocketState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    async reset() {
      socket.terminate();
      everConnected = false;
      await client.clearStore();
    },
  };
}

/** Same origin as the page: the gateway serves the app and /graphql. */
export function sameOriginUrls(location: Location): { httpUrl: string; wsUrl: string } {
  const httpUrl = new URL('/graphql', location.href).toString();
  return { httpUrl, wsUrl: httpUrl.replace(/^http/, 'ws') };
}
