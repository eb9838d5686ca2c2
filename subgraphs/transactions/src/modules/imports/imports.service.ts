import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@centavo/auth-tokens';
import { badInput, forbidden, limitExceeded, notFound } from '@centavo/errors';
import type { Logger } from '@centavo/logger';
import type { ImportFormat, ImportMappingInput, ImportTransactionsInput } from '../../resolvers.generated.js';
import type { AccountsRepository } from '../accounts/accounts.repository.js';
import { ImportTooLarge, type ImportJobRecord, type ImportsRepository } from './imports.repository.js';
import { toMapping } from './mapping.js';

export interface ImportsDeps {
  jobs: Pick<ImportsRepository, 'create' | 'countActive' | 'findForUser' | 'cancel' | 'unfinished'>;
  /** Accounts by id restricted to their owner (another user's account is absent), and those shared with the user. */
  accounts: Pick<AccountsRepository, 'findManyForUser' | 'findManyAccessible'>;
  /** Puts the job on the imports queue under the import's id (adding it twice is a no-op). */
  enqueue(job: { importId: string; userId: string; requestId?: string }): Promise<void>;
  /** IMPORT_MAX_BYTES, MAX_ACTIVE_IMPORTS_PER_USER and IMPORT_UPLOAD_TIMEOUT_MS. */
  limits: { maxBytes: number; maxActive: number; uploadTimeoutMs: number };
  logger: Logger;
  newId?: () => string;
}

/** What an upload names besides its bytes. */
export interface UploadTarget {
  accountId: string;
  format: ImportFormat;
  /** How to read the file (CSV columns, date order...); detection chooses what it leaves out. */
  mapping?: ImportMappingInput | null;
  /** transactionCategorized for each row as it is categorized (default: one importProgress per batch). */
  notifyEachRow?: boolean | null;
}

export class ImportsService {
  constructor(private readonly d: ImportsDeps) {}

  /** importTransactions: a file that fits a request, stored and queued as an upload is. */
  async start(user: AuthUser, input: ImportTransactionsInput, requestId: string): Promise<ImportJobRecord> {
    const bytes = Buffer.from(input.content, 'utf8');
    if (bytes.length === 0 || !input.content.trim()) throw badInput('content', 'content must not be empty');
    const { maxBytes } = this.d.limits;
    if (bytes.length > maxBytes) throw this.tooLarge('content');
    return this.store(user, input, (async function* () {
      yield bytes;
    })(), requestId, 'content');
  }

  /**
   * A streamed upload (POST /imports at the gateway): the file is stored chunk by chunk as it
   * arrives; the job exists, and is queued, only once the whole file is in. `declaredBytes`
   * (Content-Length) refuses a file over IMPORT_MAX_BYTES before reading it.
   */
  async upload(user: AuthUser, target: UploadTarget, source: AsyncIterable<Uint8Array>, requestId: string, declaredBytes?: number): Promise<ImportJobRecord> {
    if (declaredBytes !== undefined && declaredBytes > this.d.limits.maxBytes) throw this.tooLarge('file');
    if (declaredBytes === 0) throw badInput('file', 'the file is empty');
    return this.store(user, target, source, requestId, 'file');
  }

  /**
   * Stores the job and its file (QUEUED) in one transaction, then queues it; the work happens
   * in the worker. If the queue cannot be reached the job stays QUEUED in the database and a
   * starting worker queues it (recover), so nothing accepted is lost.
   */
  private async store(user: AuthUser, target: UploadTarget, source: AsyncIterable<Uint8Array>, requestId: string, field: string): Promise<ImportJobRecord> {
    const { maxBytes, maxActive, uploadTimeoutMs } = this.d.limits;
    const mapping = toMapping(target.format, target.mapping);
    const [account] = await this.d.accounts.findManyForUser(user.id, [target.accountId]);
    if (!account) {
      // An import is its owner's job and progress: a member of a shared account (even an EDITOR) cannot start one.
      const [shared] = await this.d.accounts.findManyAccessible(user.id, [target.accountId]);
      if (shared) throw forbidden('Only the account owner can import statements into a shared account', 'accountId');
      throw notFound('Account');
    }
    // Checked again under a lock once the file is in; this spares uploading a file to be refused.
    if ((await this.d.jobs.countActive(user.id)) >= maxActive) throw this.tooMany();
    const id = (this.d.newId ?? randomUUID)();
    let stored: Awaited<ReturnType<ImportsRepository['create']>>;
    try {
      stored = await this.d.jobs.create(maxActive, { id, userId: user.id, accountId: account.id, format: target.format, mapping, notifyEachRow: target.notifyEachRow ?? false }, source, { maxBytes, timeoutMs: uploadTimeoutMs });
    } catch (error) {
      if (error instanceof ImportTooLarge) throw this.tooLarge(field);
      throw error;
    }
    if (!stored) throw this.tooMany();
    if (stored.bytes === 0) throw badInput(field, 'the file is empty');
    await this.d.enqueue({ importId: id, userId: user.id, requestId }).catch((err: unknown) =>
      this.d.logger.warn({ err, importId: id }, 'import stored but not queued: a starting worker queues it'),
    );
    return stored.job;
  }

  /** The caller's job; another user's id is NOT_FOUND, like a missing one. */
  async find(user: AuthUser, id: string): Promise<ImportJobRecord> {
    const job = await this.d.jobs.findForUser(user.id, id);
    if (!job) throw notFound('ImportJob');
    return job;
  }

  /** cancelImport: a job not ended stops after its current batch; the rows already written stay. */
  async cancel(user: AuthUser, id: string): Promise<ImportJobRecord> {
    const job = await this.d.jobs.cancel(user.id, id);
    if (!job) throw notFound('ImportJob');
    if (job === 'ended') throw badInput('id', 'the import has already ended');
    return job;
  }

  /** Queues again every job not ended (after a restart or a Redis outage); returns how many. */
  async recover(): Promise<number> {
    const jobs = await this.d.jobs.unfinished();
    for (const job of jobs) await this.d.enqueue({ importId: job.id, userId: job.userId });
    return jobs.length;
  }

  private tooLarge(field: string) {
    const { maxBytes } = this.d.limits;
    return limitExceeded('importBytes', maxBytes, `the file must be at most ${maxBytes} bytes`, field);
  }

  private tooMany() {
    const { maxActive } = this.d.limits;
    return limitExceeded('activeImports', maxActive, `You already have ${maxActive} imports queued or running: wait for one to end`);
  }
}
