import { describe, expect, it, vi } from 'vitest';
import type { SessionFragment } from '../generated/graphql';
import { SessionExpiredError, SessionStore } from './session';

const payload = (n: number, expiresInMs: number, now = Date.now()): SessionFragment => ({
  __typename: 'AuthPayload',
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresAt: new Date(now + expiresInMs).toISOString(),
  user: { __typename: 'User', id: 'u1', email: 'ana@example.com', name: 'Ana' },
});

describe('SessionStore: the session every tab shares and its refresh-token rotation', () => {
  it('keeps the session across reloads (storage) and hands out the access token while it is fresh', async () => {
    const refresh = vi.fn();
    new SessionStore(localStorage, refresh).set(payload(1, 15 * 60_000));
    const reloaded = new SessionStore(localStorage, refresh);
    expect(reloaded.get()?.user.email).toBe('ana@example.com');
    await expect(reloaded.accessToken()).resolves.toBe('access-1');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('rotates once for many requests at once when the token is about to expire, and stores the new pair', async () => {
    const refresh = vi.fn(async (token: string) => {
      expect(token).toBe('refresh-1');
      await new Promise((r) => setTimeout(r, 10));
      return payload(2, 15 * 60_000);
    });
    const store = new SessionStore(localStorage, refresh);
    store.set(payload(1, 10_000));
    const tokens = await Promise.all([store.accessToken(), store.accessToken(), store.accessToken()]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(store.get()?.refreshToken).toBe('refresh-2');
  });

  it('uses what another tab stored instead of presenting a refresh token twice', async () => {
    const refresh = vi.fn(async () => payload(9, 15 * 60_000));
    const store = new SessionStore(localStorage, refresh);
    store.set(payload(1, 10_000));
    // Another tab rotated in the meantime.
    new SessionStore(localStorage, refresh).set(payload(2, 15 * 60_000));
    await expect(store.refreshNow('refresh-1')).resolves.toBe('access-2');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('signs out when the refresh token is refused, and keeps the session on a network failure', async () => {
    const store = new SessionStore(localStorage, async () => {
      throw new Error('offline');
    });
    store.set(payload(1, 0));
    await expect(store.accessToken()).rejects.toThrow('offline');
    expect(store.get()).not.toBeNull();
    const refused = new SessionStore(localStorage, async () => {
      throw new SessionExpiredError();
    });
    const changes = vi.fn();
    refused.subscribe(changes);
    await expect(refused.accessToken()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(refused.get()).toBeNull();
    expect(changes).toHaveBeenCalled();
  });
});
