/** What the soak measured: latencies and errors per operation, subscription events, RSS samples. */

export interface RssSample {
  /** Seconds since the load started. */
  t: number;
  /** kB per process label; null once a process has gone. */
  kb: Record<string, number | null>;
  /** CPU seconds used so far per process label (all threads). */
  cpu: Record<string, number | null>;
  /** Seconds the main thread waited for a CPU while runnable, so far. */
  wait: Record<string, number | null>;
}

/**
 * Errors that are right answers to what the load does, each with the reason. Everything else
 * that is not a success fails the run.
 */
export const EXPECTED = new Map<string, string>([
  [
    'event:transactionCategorized NOT_FOUND',
    'the load deleted the transaction before its categorization event was refetched: events are refetched by id with the subscriber\'s token (README, Subscriptions)',
  ],
]);

const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

export class Stats {
  readonly latencies = new Map<string, number[]>();
  /** "operation code" → count, when it first happened (s into the load) and its first message. */
  readonly errors = new Map<string, { count: number; first: number; sample: string }>();
  /** Errors named as expected (see EXPECTED): reported, not failing the run. */
  readonly expected = new Map<string, number>();
  /** Date.now() when the load started; errors are timed from it (negative: while setting up). */
  begin = Date.now();
  readonly events = new Map<string, number>();
  readonly rss: RssSample[] = [];
  attempted = 0;

  ok(op: string, ms: number): void {
    this.count(op);
    const list = this.latencies.get(op) ?? [];
    list.push(ms);
    this.latencies.set(op, list);
  }

  fail(op: string, code: string, message: string): void {
    this.count(op);
    this.error(op, code, message);
  }

  /** An error that is not an operation of its own (a socket closed, a job failed). */
  error(what: string, code: string, message: string, at = Date.now()): void {
    const key = `${what} ${code}`;
    if (EXPECTED.has(key)) {
      this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
      return;
    }
    const entry = this.errors.get(key);
    if (entry) entry.count++;
    else this.errors.set(key, { count: 1, first: Math.round((at - this.begin) / 1000), sample: message.slice(0, 200) });
  }

  /** The load's operations; setting users up is not part of it. */
  private count(op: string): void {
    if (!op.startsWith('setup:')) this.attempted++;
  }

  event(type: string): void {
    this.events.set(type, (this.events.get(type) ?? 0) + 1);
  }

  get errorCount(): number {
    let n = 0;
    for (const e of this.errors.values()) n += e.count;
    return n;
  }

  /** Operations of one name that failed, whatever the code. */
  failuresOf(op: string): number {
    let n = 0;
    for (const [key, e] of this.errors) if (key.startsWith(`${op} `)) n += e.count;
    return n;
  }

  latencyTable(): string[] {
    const names = new Set([...this.latencies.keys(), ...[...this.errors.keys()].map((k) => k.split(' ')[0]!)]);
    const rows = [`${'operation'.padEnd(24)} ${'ok'.padStart(7)} ${'errors'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`];
    for (const name of [...names].sort()) {
      const sorted = [...(this.latencies.get(name) ?? [])].sort((a, b) => a - b);
      const fmt = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(1)).padStart(8);
      rows.push(
        `${name.padEnd(24)} ${String(sorted.length).padStart(7)} ${String(this.failuresOf(name)).padStart(7)} ${fmt(percentile(sorted, 0.5))} ${fmt(percentile(sorted, 0.99))} ${fmt(sorted[sorted.length - 1] ?? Number.NaN)}`,
      );
    }
    return rows;
  }

  /** Per process: RSS once warmed up, at the end, the growth between them, and the maximum. */
  rssTable(warmupSeconds: number): string[] {
    const labels = Object.keys(this.rss[0]?.kb ?? {});
    const warm = this.rss.find((s) => s.t >= warmupSeconds) ?? this.rss[0];
    const end = this.rss[this.rss.length - 1];
    const mb = (kb: number | null | undefined) => (kb === null || kb === undefined ? '-' : `${(kb / 1024).toFixed(1)} MB`);
    return labels.map((label) => {
      const a = warm?.kb[label];
      const b = end?.kb[label];
      const max = Math.max(...this.rss.map((s) => s.kb[label] ?? 0));
      const growth = a && b ? `${(((b - a) / a) * 100).toFixed(1)}%` : '-';
      const share = (key: 'cpu' | 'wait') => {
        const first = this.rss[0]?.[key][label];
        const last = end?.[key][label];
        return typeof first === 'number' && typeof last === 'number' && end && end.t > 0 ? `${(((last - first) / end.t) * 100).toFixed(0)}%` : '-';
      };
      return `${label.padEnd(8)} after warm-up (t=${warm?.t ?? '-'} s) ${mb(a)}, end (t=${end?.t ?? '-'} s) ${mb(b)}, growth ${growth}, max ${mb(max)}; over the load CPU ${share('cpu')} of a core, waited for a CPU ${share('wait')} of the time`;
    });
  }

  /** RSS once a minute, to see a trend rather than two points. */
  rssTimeline(): string[] {
    const labels = Object.keys(this.rss[0]?.kb ?? {});
    return this.rss
      .filter((s, i) => i === this.rss.length - 1 || s.t % 60 < 10)
      .map((s) => `  t=${String(s.t).padStart(5)} s  ${labels.map((l) => `${l} ${((s.kb[l] ?? 0) / 1024).toFixed(0)} MB`).join('  ')}`);
  }
}
