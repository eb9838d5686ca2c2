import type { WebSocket } from 'ws';
import { bearerToken, type TokenVerifier } from '@centavo/auth-tokens';
import { isDomainError, unauthenticated } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import { UNAUTHORIZED_CLOSE, type Session } from './operation.js';

/** A failure of ours (e.g. Redis down while checking the denylist): clients retry 1013. */
const TRY_AGAIN_LATER = 1013;
/**
 * A user's socket past MAX_SOCKETS_PER_USER. graphql-ws 6 clients treat 4429 as fatal and do not
 * retry it (4403 and 1013 they retry), so a runaway client stops instead of hammering.
 */
export const TOO_MANY_SOCKETS_CLOSE = 4429;

/** Open sockets per user on this process: one user cannot hold every socket the process can serve. */
export class SocketCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more socket of the user; false (and nothing counted) when the user is at `max`. */
  tryAcquire(userId: string): boolean {
    const open = this.open.get(userId) ?? 0;
    if (open >= this.max) return false;
    this.open.set(userId, open + 1);
    return true;
  }

  release(userId: string): void {
    const open = (this.open.get(userId) ?? 1) - 1;
    if (open > 0) this.open.set(userId, open);
    else this.open.delete(userId);
  }
}

export interface SessionDeps {
  verifier: TokenVerifier;
  sockets: SocketCounter;
  logger: Logger;
}

/**
 * The session of a socket whose `connection_init` carries a valid token, or undefined once the
 * socket has been closed with the reason (4401, 4429 or 1013).
 */
export async function openSession(deps: SessionDeps, socket: WebSocket, params: Readonly<Record<string, unknown>> | undefined): Promise<Session | undefined> {
  try {
    return await authenticate(deps, socket, params);
  } catch (error) {
    if (isDomainError(error)) {
      // 4401 here, not onConnect's `return false` alone (4403), which graphql-ws clients retry.
      socket.close(UNAUTHORIZED_CLOSE, error.message);
    } else {
      deps.logger.error({ err: error }, 'could not authenticate a socket');
      socket.close(TRY_AGAIN_LATER, 'Try again later');
    }
    return undefined;
  }
}

async function authenticate(deps: SessionDeps, socket: WebSocket, params: Readonly<Record<string, unknown>> | undefined): Promise<Session | undefined> {
  const header = params?.authorization;
  const token = bearerToken(typeof header === 'string' ? header : undefined);
  if (!token) throw unauthenticated();
  const user = await deps.verifier.verify(token);
  // Closed while its token was checked: onClose has run already and would never release it.
  if (socket.readyState !== socket.OPEN) return undefined;
  if (!deps.sockets.tryAcquire(user.id)) {
    socket.close(TOO_MANY_SOCKETS_CLOSE, `Too many sockets for this user (at most ${deps.sockets.max})`);
    return undefined;
  }
  // user.token: for a provider's token, the Centavo token it was exchanged for (refetches send it to subgraphs).
  const session: Session = { user, token: user.token, socket, logger: deps.logger.child({ userId: user.id }) };
  // An expired token would fail every refetch: end the socket when it expires.
  session.expiryTimer = setTimeout(
    () => socket.close(UNAUTHORIZED_CLOSE, 'Access token expired'),
    Math.min(user.exp * 1000 - Date.now(), 2 ** 31 - 1),
  ).unref();
  return session;
}

/** What a closed socket's session held: its expiry timer and its place in the user's count. */
export function closeSession(sockets: SocketCounter, session: Session): void {
  clearTimeout(session.expiryTimer);
  sockets.release(session.user.id);
}

/**
 * A client's broken frame (a message over the size limit, invalid UTF-8, a bad opcode) makes ws
 * close the socket with the matching code (1009, 1007, 1002) and then emit `error`, which
 * graphql-ws prints to stderr as an internal error. Such errors are the client's: log them as
 * information and keep them from graphql-ws; any other socket error still reaches it.
 */
export function quietProtocolErrors(logger: Logger) {
  return (socket: WebSocket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      const code = (args[0] as { code?: unknown } | undefined)?.code;
      if (event === 'error' && typeof code === 'string' && code.startsWith('WS_ERR_')) {
        logger.info({ code }, 'websocket closed: the client sent a frame the protocol does not allow');
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  };
}
