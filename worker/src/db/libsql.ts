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

export function createLibsqlDatabase(url: string, authToken?: string): LibsqlDatabase {
  const client = createClient(authToken ? { url, authToken } : { url });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Database,
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
