// The README's local Cloudflare flow, run as written with the repo's wrangler.toml: secrets in a
// vars file (what .dev.vars holds; passed with --env-file so a developer's own .dev.vars is not read),
// `wrangler d1 migrations apply edgestream --local`, then `wrangler dev`, both on a temp persist
// folder. Before each step is done the worker says what is missing with a 503, never a 500.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, ROOT, startEntry, type EntryProcess } from "../helpers/entry-process.ts";
import { groupMembers } from "../helpers/processes.ts";
import { runCommand } from "../helpers/run-command.ts";

const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");
const WRANGLER_ENV = { CI: "true", WRANGLER_SEND_METRICS: "false" };

let dir: string;
let state: string;
let devVars: string;
let noVars: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-wrangler-"));
  state = join(dir, "state");
  devVars = join(dir, "dev.vars");
  noVars = join(dir, "empty.vars");
  const secret = () => randomBytes(32).toString("hex");
  await writeFile(devVars, `SIGNING_KEYS=k1:${secret()}\nJWT_SECRET=${secret()}\nDEMO_MODE=1\n`);
  await writeFile(noVars, "");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `wrangler dev` on the temp persist folder until `use` is done, then stopped with its whole process group. */
async function withWranglerDev(envFile: string, use: (url: string) => Promise<void>): Promise<void> {
  const port = await freePort();
  const dev: EntryProcess = startEntry(WRANGLER, ["dev", "--env-file", envFile, "--persist-to", state, "--ip", "127.0.0.1", "--port", String(port)], WRANGLER_ENV);
  try {
    const [, url] = await dev.waitFor(/Ready on (http:\/\/127\.0\.0\.1:\d+)/);
    await use(url!);
    process.kill(-dev.pid, "SIGTERM");
    await dev.exited;
    expect(await groupMembers(dev.pid)).toEqual([]); // workerd and esbuild went with it
  } finally {
    await dev.destroy();
  }
}

async function json(response: Response): Promise<{ status: number; cacheControl: string | null; body: any }> {
  return { status: response.status, cacheControl: response.headers.get("Cache-Control"), body: await response.json() };
}

describe("local Cloudflare development (wrangler dev, D1 and R2 on disk)", () => {
  it("keeps the secrets file and wrangler's local state out of git", async () => {
    // check-ignore exits non-zero when a path is not ignored: runCommand rejects then.
    const { stdout } = await runCommand("git", ["check-ignore", "--no-index", ".dev.vars", ".wrangler/state/v3/d1/db.sqlite"], ROOT);
    expect(stdout.trim().split("\n")).toEqual([".dev.vars", ".wrangler/state/v3/d1/db.sqlite"]);
  });

  it("answers 503 misconfigured, naming the variable, without the secrets .dev.vars holds", async () => {
    await withWranglerDev(noVars, async (url) => {
      const health = await json(await fetch(`${url}/healthz`));
      expect(health).toMatchObject({ status: 503, cacheControl: "no-store", body: { status: "unhealthy", reason: "misconfigured" } });
      expect(health.body.message).toMatch(/SIGNING_KEYS is required.*\.dev\.vars/s);
      expect(await json(await fetch(`${url}/api/videos`))).toMatchObject({ status: 503, body: { error: { code: "misconfigured" } } });
    });
  });

  it("answers 503 schema_not_migrated before `wrangler d1 migrations apply --local`, on /healthz and the API", async () => {
    await withWranglerDev(devVars, async (url) => {
      const health = await json(await fetch(`${url}/healthz`));
      expect(health).toMatchObject({ status: 503, body: { status: "unhealthy", reason: "schema_not_migrated" } });
      expect(health.body.message).toMatch(/no such table: \w+.*wrangler d1 migrations apply edgestream --local/s);
      const { token } = (await (await fetch(`${url}/api/auth/demo-login`, { method: "POST" })).json()) as { token: string };
      const list = await json(await fetch(`${url}/api/videos`, { headers: { Authorization: `Bearer ${token}` } }));
      expect(list).toMatchObject({ status: 503, body: { error: { code: "schema_not_migrated" } } });
    });
  });

  it("serves /healthz 200, an upload into local R2 and the video list from local D1 once migrated", async () => {
    const applied = await runCommand(WRANGLER, ["d1", "migrations", "apply", "edgestream", "--local", "--persist-to", state], ROOT, WRANGLER_ENV);
    expect(applied.stdout).toMatch(/0000_init\.sql/);
    await withWranglerDev(devVars, async (url) => {
      expect(await json(await fetch(`${url}/healthz`))).toMatchObject({ status: 200, body: { status: "ok", storage: "r2", demoMode: true } });
      const { token } = (await (await fetch(`${url}/api/auth/demo-login`, { method: "POST" })).json()) as { token: string };
      const auth = { Authorization: `Bearer ${token}` };
      const upload = await json(
        await fetch(`${url}/api/videos?title=clip`, { method: "POST", headers: { ...auth, "Content-Type": "application/octet-stream" }, body: new Uint8Array(4096).fill(7) }),
      );
      expect(upload).toMatchObject({ status: 201, body: { title: "clip", status: "pending" } });
      const list = await json(await fetch(`${url}/api/videos`, { headers: auth }));
      expect(list).toMatchObject({ status: 200, body: { videos: [{ id: upload.body.id, title: "clip" }] } });
    });
  });
});
