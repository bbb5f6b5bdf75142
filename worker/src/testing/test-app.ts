// A worker app on a real libSQL file and a real storage folder in a temp dir, for route tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../app.ts";
import { createViewerAuth, type ViewerAuth } from "../auth/viewer-jwt.ts";
import { parseConfig, type ConfigInput } from "../config.ts";
import { openLibsqlDatabase } from "../db/libsql.ts";
import type { AppDeps } from "../env.ts";
import { createKeyring } from "../signing/keyring.ts";
import { createFsStorage } from "@edgestream/contracts/storage/fs";

export const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
export const TEST_SIGNING_SECRET = "s".repeat(40);

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  auth: ViewerAuth;
  dir: string;
  tokenFor(id: string, roles?: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(env: Partial<Record<keyof ConfigInput, string>> = {}, now?: () => number): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "edgestream-worker-"));
  const database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
  await database.migrate(MIGRATIONS);
  const config = parseConfig({ SIGNING_KEYS: `k1:${TEST_SIGNING_SECRET}`, JWT_SECRET: "j".repeat(40), ...env });
  const deps: AppDeps = {
    config,
    keyring: await createKeyring({ k1: TEST_SIGNING_SECRET }, "k1"),
    db: database.db,
    storage: createFsStorage(join(dir, "media")),
    ...(now ? { now } : {}),
  };
  const auth = createViewerAuth(config);
  return {
    app: createApp(deps),
    deps,
    auth,
    dir,
    tokenFor: (id, roles = []) => auth.issue({ id, roles }),
    close: async () => {
      database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string, extra: Record<string, string> = {}): { headers: Record<string, string> } {
  return { headers: { Authorization: `Bearer ${token}`, ...extra } };
}

export function jsonBody(token: string, method: string, body: unknown): RequestInit {
  return { method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) };
}
