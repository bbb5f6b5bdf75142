// The route suite against the Node entry (libSQL file, media folder).
import { rm } from "node:fs/promises";
import { startNodeWorker } from "@edgestream/worker/node";
import { tempDataDir } from "../helpers/stack.ts";
import { describeRoutes, SUITE_ENV } from "./route-suite.ts";

describeRoutes("Node", async () => {
  const dataDir = await tempDataDir("node-routes");
  const worker = await startNodeWorker({ ...SUITE_ENV, EDGESTREAM_DATA_DIR: dataDir, PORT: "0" });
  return {
    url: worker.url,
    seed: (key, body) => worker.deps.storage.put(key, body),
    read: async (key) => {
      const object = await worker.deps.storage.get(key);
      return object ? new Uint8Array(await new Response(object.body).arrayBuffer()) : null;
    },
    close: async () => {
      await worker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
