import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthUser } from '@centavo/auth-tokens';
import { createLogger } from '@centavo/logger';
import type { AccountRecord } from '../accounts/accounts.repository.js';
import type { ImportJobRecord, NewImport } from './imports.repository.js';
import { ImportsService } from './imports.service.js';

const user: AuthUser = { id: randomUUID(), roles: ['USER'], jti: 'jti', exp: 0, token: 'token' };
const account: AccountRecord = { id: randomUUID(), userId: user.id, name: 'A', type: 'CHECKING', currency: 'BRL', openingBalanceMinor: 0n, archived: false, createdAt: new Date() };

function service(options: { enqueueFails?: boolean; active?: number } = {}) {
  const stored: (NewImport & { bytes: Uint8Array })[] = [];
  const queued: string[] = [];
  const imports = new ImportsService({
    jobs: {
      countActive: async () => 0,
      create: async (max, job, source) => {
        if ((options.active ?? 0) >= max) return null;
        const parts: Uint8Array[] = [];
        for await (const part of source) parts.push(part);
        const bytes = Buffer.concat(parts);
        stored.push({ ...job, bytes });
        return { job: { ...job, status: 'QUEUED', total: null, processed: 0, imported: 0, duplicates: 0, errors: [], errorCount: 0, detected: null, createdAt: new Date() } satisfies ImportJobRecord, bytes: bytes.length };
      },
      findForUser: async () => null,
      cancel: async () => null,
      unfinished: async () => stored.map((j) => ({ id: j.id, userId: j.userId })),
    },
    accounts: {
      findManyForUser: async (userId, ids) => (userId === account.userId && ids.includes(account.id) ? [account] : []),
      findManyAccessible: async (userId, ids) => (userId === account.userId && ids.includes(account.id) ? [account] : []),
    },
    enqueue: async (job) => {
      if (options.enqueueFails) throw new Error('redis down');
      queued.push(job.importId);
    },
    limits: { maxBytes: 100, maxActive: 2, uploadTimeoutMs: 60_000 },
    logger: createLogger({ level: 'silent' }),
  });
  return { imports, stored, queued };
}

const input = (content: string, accountId = account.id) => ({ accountId, format: 'CSV' as const, content });

describe('ImportsService.start', () => {
  it('stores the file with the job and queues it under the import id', async () => {
    const { imports, stored, queued } = service();
    const job = await imports.start(user, input('date,description,amount\n'), 'req-1');
    expect(job.status).toBe('QUEUED');
    expect(Buffer.from(stored[0]!.bytes).toString()).toBe('date,description,amount\n');
    expect(queued).toEqual([job.id]);
  });

  it('refuses content over IMPORT_MAX_BYTES (counted in UTF-8 bytes), empty content and another user\'s account', async () => {
    const { imports, stored } = service();
    await expect(imports.start(user, input('é'.repeat(51)), 'r')).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', details: { resource: 'importBytes', limit: 100 } });
    await expect(imports.start(user, input('  \n'), 'r')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    await expect(imports.start(user, input('a', randomUUID()), 'r')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(stored).toEqual([]);
  });

  it('stores the mapping it validated with the job, and refuses a bad one before storing anything', async () => {
    const { imports, stored } = service();
    await imports.start(user, { ...input('a'), mapping: { date: '0', description: 'Histórico', amount: ' 2 ', delimiter: ';' } }, 'r');
    expect(stored[0]?.mapping).toEqual({ date: 0, description: 'Histórico', amount: 2, delimiter: ';' });
    await expect(imports.start(user, { ...input('a'), mapping: { delimiter: '|' } }, 'r')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'mapping.delimiter' });
    expect(stored).toHaveLength(1);
  });

  it('refuses a new import while the user has MAX_ACTIVE_IMPORTS_PER_USER queued or running', async () => {
    const { imports } = service({ active: 2 });
    await expect(imports.start(user, input('a'), 'r')).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', details: { resource: 'activeImports', limit: 2 } });
  });

  it('keeps an accepted job when the queue is down; recover() queues the unfinished ones', async () => {
    const down = service({ enqueueFails: true });
    const job = await down.imports.start(user, input('a'), 'r');
    expect(job.status).toBe('QUEUED');
    const up = service();
    await up.imports.start(user, input('a'), 'r');
    expect(await up.imports.recover()).toBe(1);
    expect(up.queued).toHaveLength(2);
  });
});
