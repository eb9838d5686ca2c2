import { ApolloProvider } from '@apollo/client/react';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Api, SocketState } from './client';
import type { StoredSession } from './session';

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }) {
  useEffect(() => {
    // Signing in or out in another tab shows here too.
    const onStorage = (event: StorageEvent) => {
      if (event.key === 'centavo.session') api.session.emit();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [api]);
  return (
    <ApiContext.Provider value={api}>
      <ApolloProvider client={api.client}>{children}</ApolloProvider>
    </ApiContext.Provider>
  );
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

/** The signed-in user, or null; re-renders on sign-in, sign-out and token rotation. */
export function useSession(): StoredSession | null {
  const { session } = useApi();
  const raw = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => JSON.stringify(session.get()),
  );
  return raw === 'null' ? null : (JSON.parse(raw) as StoredSession);
}

export function useSocketState(): SocketState {
  const api = useApi();
  const [state, setState] = useState<SocketState>('connecting');
  useEffect(() => api.onSocketState(setState), [api]);
  return state;
}
