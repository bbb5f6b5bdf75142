// The real deno binary from the npm package (the package's own resolver), not node_modules/.bin/deno:
// that is a Node wrapper which spawns the binary and passes no signal on, so killing it leaks deno.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export function denoBinary(): string {
  return (require("deno/install_api.cjs") as { runInstall(): string }).runInstall();
}
