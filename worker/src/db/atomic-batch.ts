// Statements that must land together. D1 has no BEGIN/COMMIT; both it and libSQL run a batch as
// one transaction, so the batch is the one atomic unit that works on every driver.
import type { Database } from "./database.ts";

/** A query builder not yet awaited (db.insert(…), db.update(…), db.run(sql`…`)). */
export type BatchItem = PromiseLike<unknown>;

type Batching = { batch(queries: BatchItem[]): Promise<unknown> };

export async function runAtomically(db: Database, queries: [BatchItem, ...BatchItem[]]): Promise<void> {
  const batching = db as unknown as Partial<Batching>;
  if (typeof batching.batch !== "function") throw new Error("this database driver cannot run statements as one batch");
  await batching.batch(queries);
}
