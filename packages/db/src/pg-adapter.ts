import { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type Query = Parameters<Transaction['executeRaw']>[0];
/** The pooled pg client a transaction holds (a protected field of the adapter's transaction). */
type Held = { client?: { release(error?: Error | boolean): void } };

const ENDS = /^\s*(COMMIT|ROLLBACK)\b/i;

/**
 * Prisma 6.19's transaction manager sends COMMIT or ROLLBACK, and only when that statement
 * succeeds calls commit()/rollback(), which give the pg client back to the pool. When the
 * connection died inside the transaction (PostgreSQL restarted, a network cut), ROLLBACK fails
 * and the client was never released: every outage leaked connections until the pool was empty
 * and $disconnect() waited forever. Here a failed COMMIT/ROLLBACK releases the client with the
 * error, which makes pg destroy it, and the later commit()/rollback() becomes a no-op.
 */
function releaseOnFailedEnd(tx: Transaction): Transaction {
  let released = false;
  const executeRaw = tx.executeRaw.bind(tx);
  const commit = tx.commit.bind(tx);
  const rollback = tx.rollback.bind(tx);
  tx.executeRaw = async (query: Query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (ENDS.test(query.sql) && !released) {
        released = true;
        (tx as unknown as Held).client?.release(error instanceof Error ? error : new Error(String(error)));
      }
      throw error;
    }
  };
  tx.commit = async () => {
    if (!released) await commit();
  };
  tx.rollback = async () => {
    if (!released) await rollback();
  };
  return tx;
}

/** PrismaPg whose interactive transactions never leak their connection (see above). */
export class LeakFreePrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    const adapter = await super.connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseOnFailedEnd(await start(isolationLevel));
    return adapter;
  }
}
