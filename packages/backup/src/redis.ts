import type { JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { bullPrefix, createQueue, type QueueConfig } from '@centavo/jobs';
import type { DumpTarget } from './postgres.js';

/**
 * What Redis holds that nothing else can give back, and so goes in the archive:
 * - the logout denylist (`denylist:<jti>`): without it, access tokens revoked by logout would
 *   be accepted again until they expire. Kept with its expiry time.
 * - jobs not yet done (waiting, delayed, prioritized, active): the categorizer's
 *   decisions, imports to run, consumer batches. Restored to their queues under the same ids.
 * Left out, because it is derived or short-lived: the response cache and its generations
 * (`rc:`, deleted by a restore so nothing cached before it is served), rate-limit counters,
 * completed and failed jobs (their effects are in the databases; failed ones are counted in the
 * manifest), repeatable-job schedulers (the workers create them at start), pub/sub (no state).
 */
export interface RedisEntry {
  kind: 'redis';
  type: 'denylist' | 'job';
}

export interface DenylistEntry extends RedisEntry {
  type: 'denylist';
  /** The key after REDIS_PREFIX, so a restore may use another prefix. */
  key: string;
  value: string;
  /** Epoch ms; null for a key without expiry. */
  expiresAt: number | null;
}

export interface JobEntry extends RedisEntry {
  type: 'job';
  queue: string;
  id: string;
  name: string;
  data: unknown;
  opts: JobsOptions;
  state: string;
  /** Epoch ms when it may run (delayed jobs). */
  runAt: number;
}

export interface RedisSummary {
  prefix: string;
  denylist: number;
  jobs: number;
  /** Failed jobs are not in the archive (see `centavo jobs failed` before a backup). */
  failedJobsLeftOut: number;
}

const PENDING_STATES = ['active', 'waiting', 'prioritized', 'waiting-children', 'delayed'] as const;
const PAGE = 500;
const KEPT_OPTIONS = ['attempts', 'backoff', 'priority', 'removeOnComplete', 'removeOnFail'] as const;

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) yield keys;
    cursor = next;
  } while (cursor !== '0');
}

/** Queue names that have ever had a job under this prefix. */
async function queueNames(redis: Redis, config: QueueConfig): Promise<string[]> {
  const bull = bullPrefix(config);
  const names = new Set<string>();
  for (const suffix of ['meta', 'id']) {
    for await (const keys of scanKeys(redis, `${globEscape(bull)}:*:${suffix}`)) {
      for (const key of keys) names.add(key.slice(bull.length + 1, -(suffix.length + 1)));
    }
  }
  return [...names].filter((n) => n && !n.includes(':')).sort();
}

export async function dumpRedis(config: QueueConfig, out: DumpTarget): Promise<RedisSummary> {
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
  const summary: RedisSummary = { prefix: config.REDIS_PREFIX, denylist: 0, jobs: 0, failedJobsLeftOut: 0 };
  try {
    const denylist = `${config.REDIS_PREFIX}denylist:`;
    for await (const keys of scanKeys(redis, `${globEscape(denylist)}*`)) {
      const pipe = redis.pipeline();
      for (const key of keys) pipe.get(key).pttl(key);
      const results = (await pipe.exec()) ?? [];
      const now = Date.now();
      for (let i = 0; i < keys.length; i++) {
        const value = results[i * 2]?.[1] as string | null;
        const ttl = Number(results[i * 2 + 1]?.[1]);
        if (value === null || ttl === -2) continue; // expired meanwhile
        const entry: DenylistEntry = { kind: 'redis', type: 'denylist', key: keys[i]!.slice(config.REDIS_PREFIX.length), value, expiresAt: ttl > 0 ? now + ttl : null };
        await out.writeJson(entry);
        summary.denylist++;
      }
    }
    for (const name of await queueNames(redis, config)) {
      const queue = createQueue(config, name);
      try {
        summary.failedJobsLeftOut += (await queue.getJobCounts('failed')).failed ?? 0;
        const seen = new Set<string>();
        for (const state of PENDING_STATES) {
          for (let start = 0; ; start += PAGE) {
            const jobs = await queue.getJobs([state], start, start + PAGE - 1, true);
            for (const job of jobs) {
              // Schedulers' next runs are made again by the workers at start.
              if (!job?.id || job.repeatJobKey || seen.has(job.id)) continue;
              seen.add(job.id);
              const opts = Object.fromEntries(KEPT_OPTIONS.filter((k) => job.opts[k] !== undefined).map((k) => [k, job.opts[k]])) as JobsOptions;
              const entry: JobEntry = { kind: 'redis', type: 'job', queue: name, id: job.id, name: job.name, data: job.data, opts, state, runAt: job.timestamp + (job.delay ?? 0) };
              await out.writeJson(entry);
              summary.jobs++;
            }
            if (jobs.length < PAGE) break;
          }
        }
      } finally {
        await queue.close();
      }
    }
  } finally {
    await redis.quit();
  }
  return summary;
}

/** Puts the archive's Redis entries back under this installation's prefix. */
export class RedisLoad {
  private readonly jobs = new Map<string, JobEntry[]>();
  private readonly denylist: DenylistEntry[] = [];
  private restored = { denylist: 0, jobs: 0 };

  constructor(private readonly config: QueueConfig) {}

  /** Queues an entry; denylist keys and jobs are written (in batches) by flush(). */
  async add(entry: RedisEntry): Promise<void> {
    if (entry.type === 'denylist') this.denylist.push(entry as DenylistEntry);
    else {
      const job = entry as JobEntry;
      const list = this.jobs.get(job.queue) ?? [];
      list.push(job);
      this.jobs.set(job.queue, list);
      if (list.length >= PAGE) await this.flushQueue(job.queue);
    }
    if (this.denylist.length >= PAGE) await this.flushDenylist();
  }

  private async flushDenylist(): Promise<void> {
    const now = Date.now();
    const live = this.denylist.splice(0).filter((e) => e.expiresAt === null || e.expiresAt > now);
    if (!live.length) return;
    const redis = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    try {
      const pipe = redis.pipeline();
      for (const e of live) {
        const key = `${this.config.REDIS_PREFIX}${e.key}`;
        if (e.expiresAt === null) pipe.set(key, e.value);
        else pipe.set(key, e.value, 'PXAT', e.expiresAt);
      }
      // Running subgraphs forget every token they found not revoked (DenylistWatch): some are listed now.
      pipe.publish(`${this.config.REDIS_PREFIX}denylist`, '*');
      await pipe.exec();
      this.restored.denylist += live.length;
    } finally {
      await redis.quit();
    }
  }

  private async flushQueue(name: string): Promise<void> {
    const jobs = this.jobs.get(name)?.splice(0) ?? [];
    if (!jobs.length) return;
    const queue = createQueue(this.config, name);
    try {
      const now = Date.now();
      // Same ids: a job already there (a restore run twice) is not added again.
      await queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { ...j.opts, jobId: j.id, delay: Math.max(0, j.runAt - now) } })));
      this.restored.jobs += jobs.length;
    } finally {
      await queue.close();
    }
  }

  /** Writes what is left, and drops the response cache (entries made before the restore). */
  async flush(): Promise<{ denylist: number; jobs: number; cacheKeysDropped: number }> {
    await this.flushDenylist();
    for (const name of this.jobs.keys()) await this.flushQueue(name);
    const redis = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    let cacheKeysDropped = 0;
    try {
      for await (const keys of scanKeys(redis, `${globEscape(`${this.config.REDIS_PREFIX}rc:`)}*`)) {
        cacheKeysDropped += await redis.unlink(...keys);
      }
    } finally {
      await redis.quit();
    }
    return { ...this.restored, cacheKeysDropped };
  }
}
