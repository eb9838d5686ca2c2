import type { SessionFragment, SessionUserFragment } from '../generated/graphql';

/** What a signed-in tab keeps: every tab of the origin shares it through localStorage. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: SessionUserFragment;
}

const KEY = 'centavo.session';
// Refresh this long before the access token expires, so no request carries a dying token.
const EARLY_MS = 30_000;

export type Refresh = (refreshToken: string) => Promise<SessionFragment>;

export class SessionExpiredError extends Error {
  constructor() {
    super('Your session has ended; sign in again.');
  }
}

/**
 * The signed-in session and the single place that rotates refresh tokens. A refresh token is
 * single use and presenting it twice revokes the whole family, so tabs refresh one at a time
 * (Web Locks) and a tab that waited reuses what the other stored instead of refreshing again.
 */
export class SessionStore {
  private listeners = new Set<() => void>();
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly refresh: Refresh,
    private readonly now: () => number = Date.now,
  ) {}

  get(): StoredSession | null {
    const raw = this.storage.getItem(KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StoredSession;
    } catch {
      return null;
    }
  }

  set(payload: SessionFragment | null): void {
    if (payload) {
      const session: StoredSession = {
        accessToken: payload.accessToken,
        refreshToken: payload.refreshToken,
        expiresAt: Date.parse(payload.expiresAt),
        user: { __typename: 'User', id: payload.user.id, email: payload.user.email, name: payload.user.name },
      };
      this.storage.setItem(KEY, JSON.stringify(session));
    } else {
      this.storage.removeItem(KEY);
    }
    this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when another tab changed the stored session (the `storage` event). */
  emit(): void {
    for (const listener of this.listeners) listener();
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    const session = this.get();
    if (!session) return null;
    if (session.expiresAt - EARLY_MS > this.now()) return session.accessToken;
    return this.refreshNow(session.refreshToken);
  }

  /** Rotates the refresh token once, even when many requests (or tabs) ask at the same moment. */
  refreshNow(seen?: string): Promise<string> {
    this.inFlight ??= this.withLock(async () => {
      const current = this.get();
      if (!current) throw new SessionExpiredError();
      // Another tab rotated while this one waited for the lock: use its fresh token.
      if (seen && current.refreshToken !== seen && current.expiresAt - EARLY_MS > this.now()) return current.accessToken;
      try {
        const payload = await this.refresh(current.refreshToken);
        this.set(payload);
        return payload.accessToken;
      } catch (error) {
        if (error instanceof SessionExpiredError) this.set(null);
        throw error;
      }
    }).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private withLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    return locks ? (locks.request('centavo.session.refresh', task) as Promise<T>) : task();
  }
}
