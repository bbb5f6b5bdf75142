// `npm start`: brings the stack up on embedded defaults and prints the demo URL.
import { stopOnSignals } from "@edgestream/contracts/stop-on-signals";
import { NODE_STOPPED } from "../../transcode-node/src/server.ts";
import { startStack } from "../stack.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const starting = startStack({
  workerPort: port("PORT", 8787),
  demoPort: port("DEMO_PORT", 5173),
  log: (line) => console.log(line),
});
let stopping = false;
// Listening from the first moment: a signal during start-up (the sample being packaged) waits for
// the start to finish or fail (startStack closes what it opened when it fails), then closes the rest.
stopOnSignals({
  name: "edgestream",
  close: async () => {
    stopping = true;
    const stack = await starting.catch(() => undefined);
    await stack?.close();
    return `demo and worker closed, database closed; transcode node: ${NODE_STOPPED}`;
  },
});
starting.then(
  (stack) => {
    console.log(`\nEdgeStream is running.\n  demo:   ${stack.demoUrl}\n  worker: ${stack.worker.url} (GET /healthz, /openapi.json)\n  node:   ${stack.nodeUrl} (GET /healthz)\n  data:   ${stack.worker.settings.dataDir}\nPress Ctrl+C to stop.`);
    // startStack binds every server to 127.0.0.1 unless told otherwise, and this entry never tells it.
    console.log(`Demo mode: anyone who can open the page can sign in as anyone (no password); it listens on loopback (${stack.worker.settings.host}) only.`);
  },
  (error: Error) => {
    if (stopping) return; // cut short by the signal: the stop prints the line
    console.error(`edgestream: ${error.message}`);
    process.exit(1);
  },
);
