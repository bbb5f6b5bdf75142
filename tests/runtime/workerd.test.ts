// The route suite against the Cloudflare entry under workerd (miniflare), with D1 and R2 bindings.
// The bundle is what `wrangler deploy --dry-run` builds from wrangler.toml, so this also proves
// the deploy configuration builds.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { describeFleetRoutes, FLEET_SUITE_ENV } from "./fleet-suite.ts";
import { describeRoutes, SUITE_ENV, type RuntimeTarget } from "./route-suite.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

describeRoutes("workerd (miniflare, D1 + R2)", () => startWorkerd(SUITE_ENV));
describeFleetRoutes("workerd (miniflare, D1 + R2)", () => startWorkerd({ ...SUITE_ENV, ...FLEET_SUITE_ENV }));

async function startWorkerd(bindings: Record<string, string>): Promise<RuntimeTarget> {
  const out = await mkdtemp(join(tmpdir(), "edgestream-cf-"));
  await run(join(ROOT, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const wrangler = await readFile(join(ROOT, "wrangler.toml"), "utf8");
  const compatibilityDate = /^compatibility_date = "([\d-]+)"/m.exec(wrangler)![1]!;
  const mf = new Miniflare({
    modules: true,
    // The bundle's text, not its path: workerd refuses a module path outside its starting directory.
    script: await readFile(join(out, "cloudflare.js"), "utf8"),
    compatibilityDate,
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: ["DB"],
    r2Buckets: ["MEDIA"],
    bindings,
  });
  // What `wrangler d1 migrations apply` does: every generated migration, statement by statement.
  const db = await mf.getD1Database("DB");
  const migrations = join(ROOT, "worker", "drizzle");
  for (const file of (await readdir(migrations)).filter((f) => f.endsWith(".sql")).sort()) {
    for (const statement of (await readFile(join(migrations, file), "utf8")).split("--> statement-breakpoint")) {
      if (statement.trim()) await db.prepare(statement).run();
    }
  }
  const bucket = (await mf.getR2Bucket("MEDIA")) as unknown as { put(key: string, body: string): Promise<unknown> };
  return {
    url: (await mf.ready).toString().replace(/\/$/, ""),
    seed: async (key, body) => {
      await bucket.put(key, body);
    },
    close: async () => {
      await mf.dispose();
      await rm(out, { recursive: true, force: true });
    },
  };
}
