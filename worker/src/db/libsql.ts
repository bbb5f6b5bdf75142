// libSQL driver: a local file (embedded default) or a libsql:// / https:// URL (Turso).
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Database } from "./database.ts";
import * as schema from "./schema.ts";

export interface LibsqlDatabase {
  db: Database;
  /** Applies drizzle-kit migrations from a folder (Node: the worker/drizzle folder). */
  migrate(migrationsFolder: string): Promise<void>;
  close(): void;
}

export async function openLibsqlDatabase(url: string, authToken?: string): Promise<LibsqlDatabase> {
  const client = createClient(authToken ? { url, authToken } : { url });
  if (url.startsWith("file:")) {
    // WAL lets readers go on while one writer writes; the busy timeout makes concurrent writers
    // (two worker processes on one file) wait their turn instead of failing with SQLITE_BUSY.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
