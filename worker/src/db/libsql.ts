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
  /** Closes the database; a file goes back to rollback-journal mode first, so no -wal/-shm stays behind. */
  close(): Promise<void>;
}

export async function openLibsqlDatabase(url: string, authToken?: string): Promise<LibsqlDatabase> {
  const file = url.startsWith("file:");
  // One connection per file: libsql-js runs statements synchronously, so more buy nothing, and a
  // closed connection lingers until its statements are garbage-collected (keeping the WAL files):
  // only the sole connection can leave WAL mode at close.
  const client = createClient({ url, ...(authToken ? { authToken } : {}), ...(file ? { concurrency: 1 } : {}) });
  if (file) {
    // WAL lets readers go on while one writer writes; the busy timeout makes concurrent writers
    // (two worker processes on one file) wait their turn instead of failing with SQLITE_BUSY.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: async () => {
      if (file && !client.closed) {
        // Leaving WAL checkpoints and deletes -wal/-shm; busy when another process still has the
        // file open, and then the WAL files are rightly its to keep.
        await client.execute("PRAGMA journal_mode = DELETE").catch(() => {});
      }
      client.close();
    },
  };
}
