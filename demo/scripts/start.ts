// `npm start`: brings the stack up on embedded defaults and prints the demo URL.
import { startStack } from "../stack.ts";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

startStack({
  workerPort: port("PORT", 8787),
  demoPort: port("DEMO_PORT", 5173),
  log: (line) => console.log(line),
}).then(
  (stack) => {
    console.log(`\nEdgeStream is running.\n  demo:   ${stack.demoUrl}\n  worker: ${stack.worker.url} (GET /healthz, /openapi.json)\n  node:   ${stack.nodeUrl} (GET /healthz)\n  data:   ${stack.worker.settings.dataDir}\nPress Ctrl+C to stop.`);
    const stop = () => void stack.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  },
  (error: Error) => {
    console.error(`edgestream: ${error.message}`);
    process.exit(1);
  },
);
