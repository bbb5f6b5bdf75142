// Whether the database holds what the code expects: every table of the schema with every column.
// A database nobody migrated (`wrangler dev` before `wrangler d1 migrations apply --local`) or one
// behind the code answers with a reason and the command that mends it, not an opaque 500.
import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./database.ts";
import * as schema from "./schema.ts";

export const MIGRATE_HINT =
  "apply the migrations in worker/drizzle (Cloudflare: npx wrangler d1 migrations apply edgestream --local, or --remote; Node and Deno apply them at start)";

const TABLES: SQLiteTable[] = Object.values(schema as Record<string, unknown>).filter((value): value is SQLiteTable => is(value, SQLiteTable));

/** SQLite's words for a table or column that is not there, through driver and drizzle wrappers. */
export function missingSchemaObject(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const match = /no such (?:table|column): [\w.`"]+/.exec(e.message);
    if (match) return match[0];
  }
  return undefined;
}

/** Undefined when every table and column is there; else what is missing ("no such table: videos"). */
export async function findMissingSchema(db: Database): Promise<string | undefined> {
  // Selecting every column of every table, no rows: SQLite checks the names, reads nothing.
  const results = await Promise.allSettled(TABLES.map((table) => db.select().from(table).limit(0)));
  for (const result of results) {
    if (result.status === "rejected") {
      const missing = missingSchemaObject(result.reason);
      if (missing) return missing;
      throw result.reason;
    }
  }
  return undefined;
}
