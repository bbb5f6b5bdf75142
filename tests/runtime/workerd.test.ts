// The route suite against the Cloudflare entry under workerd (miniflare), with D1 and R2 bindings.
// The bundle is what `wrangler deploy --dry-run` builds from wrangler.toml, so this also proves
// the deploy configuration builds.
import { startMiniflareWorker } from "../helpers/miniflare-worker.ts";
import { describeRoutes, SUITE_ENV } from "./route-suite.ts";

describeRoutes("workerd (miniflare, D1 + R2)", async () => {
  const worker = await startMiniflareWorker(SUITE_ENV);
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
});
