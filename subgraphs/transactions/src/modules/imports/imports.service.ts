import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import { badInput, limitExceeded, notFound } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import type { ImportTransactionsInput } from '../../resolvers.generated.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import type { ImportJobRecord, ImportsRepository } from './imports.repository.js';

export interface ImportsDeps {
  jobs: Pick<ImportsRepository, 'createWithin' | 'findForUser' | 'unfinished'>;
  /** Accounts by id restricted to their owner: another user's account is absent. */
  accounts: Pick<AccountsRepository, 'findManyForUser'>;
  /** Puts the job on the imports queue under the import's id (adding it twice is a no-op). */
  enqueue(job: { importId: string; userId: string; requestId?: string }): Promise<void>;
  /** IMPORT_MAX_BYTES and MAX_ACTIVE_IMPORTS_PER_USER. */
  limits: { maxBytes: number; maxActive: number };
  logger: Logger;
  newId?: () => string;
}

export class ImportsService {
  constructor(private readonly d: ImportsDeps) {}

  /**
   * Stores the job and its file (QUEUED) in one transaction, then queues it; the work happens
   * in the worker. If the queue cannot be reached the job stays QUEUED in the database and a
   * starting worker queues it (recover), so nothing accepted is lost.
   */
  async start(user: AuthUser, input: ImportTransactionsInput, requestId: string): Promise<ImportJobRecord> {
    const bytes = Buffer.from(input.content, 'utf8');
    if (bytes.length === 0 || !input.content.trim()) throw badInput('content', 'content must not be empty');
    const { maxBytes, maxActive } = this.d.limits;
    if (bytes.length > maxBytes) throw limitExceeded('importBytes', maxBytes, `content must be at most ${maxBytes} bytes`, 'content');
    const [account] = await this.d.accounts.findManyForUser(user.id, [input.accountId]);
    if (!account) throw notFound('Account');
    const id = (this.d.newId ?? randomUUID)();
    const job = await this.d.jobs.createWithin(maxActive, { id, userId: user.id, accountId: account.id, format: input.format, bytes, notifyEachRow: input.notifyEachRow ?? false });
    if (!job) throw limitExceeded('activeImports', maxActive, `You already have ${maxActive} imports queued or running: wait for one to end`);
    await this.d.enqueue({ importId: id, userId: user.id, requestId }).catch((err: unknown) =>
      this.d.logger.warn({ err, importId: id }, 'import stored but not queued: a starting worker queues it'),
    );
    return job;
  }

  /** The caller's job, or null (another user's job is as missing). */
  find(user: AuthUser, id: string): Promise<ImportJobRecord | null> {
    return this.d.jobs.findForUser(user.id, id);
  }

  /** Queues again every job not ended (after a restart or a Redis outage); returns how many. */
  async recover(): Promise<number> {
    const jobs = await this.d.jobs.unfinished();
    for (const job of jobs) await this.d.enqueue({ importId: job.id, userId: job.userId });
    return jobs.length;
  }
}
