// Statements that must land together. D1 has no BEGIN/COMMIT; both it and libSQL run a batch as
// one transaction, so the batch is the one atomic unit that works on every driver.
import type { SQL } from "drizzle-orm";
import type { Database } from "./database.ts";

type Batching = { batch(queries: unknown[]): Promise<unknown> };

export async function runAtomically(db: Database, statements: [SQL, ...SQL[]]): Promise<void> {
  const batching = db as unknown as Partial<Batching>;
  if (typeof batching.batch !== "function") throw new Error("this database driver cannot run statements as one batch");
  await batching.batch(statements.map((statement) => db.run(statement)));
}
