import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openLibsqlDatabase } from "./libsql.ts";

describe("libSQL file database", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("leaves only the database file after close: no -wal or -shm", async () => {
    dir = await mkdtemp(join(tmpdir(), "edgestream-libsql-"));
    const database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
    await database.migrate(new URL("../../drizzle", import.meta.url).pathname);
    await Promise.all([database.db.run(sql`select 1`), database.db.run(sql`select 2`)]);
    expect((await readdir(dir)).sort()).toEqual(["db.sqlite", "db.sqlite-shm", "db.sqlite-wal"]);
    await database.close();
    expect(await readdir(dir)).toEqual(["db.sqlite"]);
  });
});
