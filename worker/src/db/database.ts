// The database handle the app gets. Every driver (libSQL file, libSQL over HTTP, D1) yields this type.
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "./schema.ts";

export type Database = BaseSQLiteDatabase<"async", unknown, typeof schema>;
