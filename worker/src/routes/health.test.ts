// /healthz on a real libSQL file: 200 only when the database answers and holds every table and
// column of the schema; 503 with a reason a person can act on otherwise, never a 500 or a path.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { parseConfig } from "../config.ts";
import { openLibsqlDatabase, type LibsqlDatabase } from "../db/libsql.ts";
import { createKeyring } from "../signing/keyring.ts";
import { bearer, MIGRATIONS, TEST_SIGNING_SECRET } from "../testing/test-app.ts";
import { createViewerAuth } from "../auth/viewer-jwt.ts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-health-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function appOn(name: string, prepare: (database: LibsqlDatabase) => Promise<void>) {
  const database = await openLibsqlDatabase(`file:${join(dir, `${name}.db`)}`);
  await prepare(database);
  const config = parseConfig({ SIGNING_KEYS: `k1:${TEST_SIGNING_SECRET}`, JWT_SECRET: "j".repeat(40) });
  const app = createApp({ config, keyring: await createKeyring({ k1: TEST_SIGNING_SECRET }, "k1"), db: database.db, storage: createFsStorage(join(dir, name)) });
  return { app, database, viewer: await createViewerAuth(config).issue({ id: "alice", roles: [] }) };
}

async function unhealthy(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const body = (await response.json()) as { status: string; reason: string; message: string };
  expect(body.status).toBe("unhealthy");
  expect(body.message).not.toContain(dir);
  return body;
}

describe("/healthz", () => {
  it("answers 200 on a migrated database", async () => {
    const { app, database } = await appOn("migrated", (d) => d.migrate(MIGRATIONS));
    const response = await app.request("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", storage: "fs" });
    await database.close();
  });

  it("answers 503 schema_not_migrated on an empty database, and the API says the same instead of a 500", async () => {
    const { app, database, viewer } = await appOn("empty", async () => {});
    const body = await unhealthy(await app.request("/healthz"));
    expect(body.reason).toBe("schema_not_migrated");
    expect(body.message).toMatch(/no such table: \w+/);
    expect(body.message).toMatch(/wrangler d1 migrations apply/);
    const list = await app.request("/api/videos", bearer(viewer));
    expect(list.status).toBe(503);
    expect(await list.json()).toEqual({ error: { code: "schema_not_migrated", message: expect.stringMatching(/migrations/) } });
    await database.close();
  });

  it("answers 503 schema_not_migrated when a later migration is missing (a table lacks a column)", async () => {
    const { app, database } = await appOn("behind", async (d) => {
      await d.migrate(MIGRATIONS);
      await d.db.run(sql.raw("ALTER TABLE videos DROP COLUMN job_attempts"));
    });
    const body = await unhealthy(await app.request("/healthz"));
    expect(body.reason).toBe("schema_not_migrated");
    expect(body.message).toMatch(/no such column: \S*job_attempts/);
    await database.close();
  });

  it("answers 503 database_unavailable when the database does not answer", async () => {
    const { app, database } = await appOn("closed", (d) => d.migrate(MIGRATIONS));
    await database.close();
    const body = await unhealthy(await app.request("/healthz"));
    expect(body.reason).toBe("database_unavailable");
  });
});
