import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import type { AuthUser, TokenVerifier } from '@centavo/auth-tokens';
import { ALL_QUEUES, createQueue, type Queue, type QueueConfig } from '@centavo/jobs';
import type { Logger } from '@centavo/logger';
import { authenticate } from '@centavo/server';

/** Where the dashboard lives, and the path of the cookie that lets a browser in. */
export const ADMIN_PATH = '/admin';
export const DASHBOARD_PATH = `${ADMIN_PATH}/queues`;
export const ADMIN_COOKIE = 'centavo_admin';

export interface QueueDashboardOptions {
  config: QueueConfig & { NODE_ENV: string };
  verifier: TokenVerifier;
  logger: Logger;
}

export interface QueueDashboard {
  close(): Promise<void>;
}

type Failure = { status: number; code: string; message: string };

const fail = (res: Response, { status, code, message }: Failure) => {
  res.status(status).set('cache-control', 'no-store').json({ errors: [{ message, extensions: { code } }] });
};

/** The value of one cookie of the request, undefined when absent or malformed. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The ADMIN behind the request: its bearer token, or else (browsers navigating to the
 * dashboard) the token in the admin cookie. Every request is verified again, so an expired
 * or logged-out token stops working at once.
 */
async function adminOf(verifier: TokenVerifier, req: Request, allowCookie: boolean): Promise<{ user: AuthUser; token: string } | Failure> {
  const cookie = allowCookie ? cookieValue(req.headers.cookie, ADMIN_COOKIE) : undefined;
  const authorization = req.headers.authorization ?? (cookie ? `Bearer ${cookie}` : undefined);
  let user: AuthUser | null;
  let token: string | undefined;
  try {
    ({ user, token } = await authenticate(verifier, { authorization }));
  } catch (error) {
    if (error instanceof GraphQLError) {
      return { status: 401, code: String(error.extensions.code ?? 'UNAUTHENTICATED'), message: error.message };
    }
    throw error;
  }
  if (!user || !token) return { status: 401, code: 'UNAUTHENTICATED', message: 'Authentication required' };
  if (!user.roles.includes('ADMIN')) return { status: 403, code: 'FORBIDDEN', message: 'ADMIN role required' };
  return { user, token };
}

const isFailure = (value: object): value is Failure => 'status' in value;

interface Board {
  router: express.Router;
  queues: Queue[];
}

/** Bull Board over every queue of Centavo, each queue with a Redis connection of its own. */
async function createBoard({ config, logger }: Pick<QueueDashboardOptions, 'config' | 'logger'>): Promise<Board> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const queues: Queue[] = ALL_QUEUES.map((name) => createQueue(config, name));
  for (const queue of queues) queue.on('error', (err) => logger.warn({ err, queue: queue.name }, 'queue dashboard: redis error'));
  const serverAdapter = new ExpressAdapter().setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'Centavo queues' } } });
  return { router: serverAdapter.getRouter() as express.Router, queues };
}

/**
 * Bull Board at /admin/queues for ADMIN users, over every queue of Centavo, and
 * POST /admin/session, which trades a bearer token for an HttpOnly cookie a browser sends
 * when it opens the dashboard (DELETE /admin/session drops it).
 *
 * The board (its packages and a Redis connection per queue) is made when an ADMIN first opens
 * it, not at start: a start loaded ~70 more files and opened a connection for each queue.
 */
export function mountQueueDashboard(app: Express, { config, verifier, logger }: QueueDashboardOptions): QueueDashboard {
  let board: Promise<Board> | undefined;
  const boardOnce = () => {
    board ??= createBoard({ config, logger }).catch((error: unknown) => {
      board = undefined; // the next request tries again
      throw error;
    });
    return board;
  };

  const guard = (allowCookie: boolean) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const result = await adminOf(verifier, req, allowCookie);
      if (isFailure(result)) return fail(res, result);
      res.locals.admin = result;
      res.set('cache-control', 'no-store');
      next();
    } catch (error) {
      next(error);
    }
  };

  const secure = config.NODE_ENV === 'production';
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure, path: ADMIN_PATH } as const;
  const session = express.Router();
  // Only a bearer header opens a session: another site cannot make a browser send one.
  session.post('/', guard(false), (_req, res) => {
    const { user, token } = res.locals.admin as { user: AuthUser; token: string };
    const maxAge = Math.max(0, user.exp * 1000 - Date.now());
    res.cookie(ADMIN_COOKIE, token, { ...cookieOptions, maxAge }).json({ expiresAt: new Date(user.exp * 1000).toISOString() });
  });
  session.delete('/', (_req, res) => {
    res.clearCookie(ADMIN_COOKIE, cookieOptions).status(204).end();
  });
  app.use(`${ADMIN_PATH}/session`, session);
  app.use(DASHBOARD_PATH, guard(true), (req: Request, res: Response, next: NextFunction) => {
    boardOnce().then(({ router }) => router(req, res, next), next);
  });
  logger.info({ path: DASHBOARD_PATH, queues: ALL_QUEUES }, 'queue dashboard mounted');

  return {
    async close() {
      const made = await board?.catch(() => undefined);
      if (made) await Promise.all(made.queues.map((q) => q.close()));
    },
  };
}
