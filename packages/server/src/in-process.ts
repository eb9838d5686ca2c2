/**
 * Subgraphs that run in the gateway's own process (`--module=all`, the one-process layout) are
 * called in process: the gateway's fetcher hands the request to the subgraph's Apollo Server
 * instead of a socket. The subgraph still parses the body, guards the query text, verifies the
 * caller's token and builds its context exactly as over HTTP (and keeps serving HTTP for every
 * other caller); what is skipped is the socket write and read on both sides, the HTTP parsing and
 * Express's routing, about a fifth of the CPU of a dashboard when every part shares one process.
 */

/** A request as the gateway's fetcher sends it: header names in lower case. */
export interface InProcessRequest {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The subgraph's answer, read in full. */
export interface InProcessAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}

export type InProcessHandler = (request: InProcessRequest) => Promise<InProcessAnswer>;

interface Entry {
  /** The host the subgraph listens on: a wildcard or loopback one also answers for loopback names. */
  host: string;
  handler: InProcessHandler;
  /** False once its HTTP server stopped listening: callers then go over HTTP and see what a client would. */
  live(): boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** By `port path`: a process listens on a port once. */
const entries = new Map<string, Entry>();

const keyOf = (port: number, path: string) => `${port} ${path}`;

/**
 * Makes a subgraph callable in process at the URLs of its HTTP server (`port` on `host`, at `path`).
 * Returns the function that withdraws it (on stop).
 */
export function registerInProcessSubgraph(host: string, port: number, path: string, handler: InProcessHandler, live: () => boolean): () => void {
  const key = keyOf(port, path);
  const entry: Entry = { host, handler, live };
  entries.set(key, entry);
  return () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
}

const parsed = new Map<string, { hostname: string; key: string } | null>();
function targetOf(url: string): { hostname: string; key: string } | null {
  let target = parsed.get(url);
  if (target === undefined) {
    try {
      const u = new URL(url);
      const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
      target = u.protocol === 'http:' && !u.search ? { hostname: u.hostname, key: keyOf(port, u.pathname) } : null;
    } catch {
      target = null;
    }
    if (parsed.size < 1_000) parsed.set(url, target);
  }
  return target;
}

/**
 * The in-process handler of the subgraph this URL reaches, if it runs in this process and still
 * listens: a loopback URL on its port and path, or its own listening host.
 */
export function inProcessSubgraph(url: string): InProcessHandler | undefined {
  if (entries.size === 0) return undefined;
  const target = targetOf(url);
  if (!target) return undefined;
  const entry = entries.get(target.key);
  if (!entry || !entry.live()) return undefined;
  const sameHost = target.hostname === entry.host || (LOOPBACK.has(target.hostname) && (WILDCARD.has(entry.host) || LOOPBACK.has(entry.host)));
  return sameHost ? entry.handler : undefined;
}
