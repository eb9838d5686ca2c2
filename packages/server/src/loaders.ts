import DataLoader from 'dataloader';

/**
 * A per-request loader of the caller's rows by key: one batched query per tick, and another
 * user's (or a missing) key loads as null. Without a caller nothing is queried.
 */
export function ownedLoader<T, K extends keyof T & string>(
  userId: string | undefined,
  find: (userId: string, keys: readonly string[]) => Promise<T[]>,
  key: K,
): DataLoader<string, T | null> {
  return new DataLoader(async (keys: readonly string[]) => {
    const rows = userId ? await find(userId, keys) : [];
    const byKey = new Map(rows.map((row) => [String(row[key]), row]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}
