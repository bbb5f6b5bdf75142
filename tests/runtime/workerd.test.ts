// The route suite against the Cloudflare entry under workerd (miniflare), with D1 and R2 bindings.
// The bundle is what `wrangler deploy --dry-run` builds from wrangler.toml, so this also proves
// the deploy configuration builds.
import { startMiniflareWorker } from "../helpers/miniflare-worker.ts";
import { describeFleetRoutes, FLEET_SUITE_ENV } from "./fleet-suite.ts";
import { describeRoutes, SUITE_ENV, type RuntimeTarget } from "./route-suite.ts";

describeRoutes("workerd (miniflare, D1 + R2)", () => startWorkerd(SUITE_ENV));
describeFleetRoutes("workerd (miniflare, D1 + R2)", () => startWorkerd({ ...SUITE_ENV, ...FLEET_SUITE_ENV }));

async function startWorkerd(bindings: Record<string, string>): Promise<RuntimeTarget> {
  const worker = await startMiniflareWorker(bindings);
  const bucket = (await worker.mf.getR2Bucket("MEDIA")) as unknown as {
    put(key: string, body: string): Promise<unknown>;
    get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
  };
  return {
    url: worker.url,
    seed: async (key, body) => {
      await bucket.put(key, body);
    },
    read: async (key) => {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    close: () => worker.close(),
  };
}
