// After tsc: declaration files keep the source's `.ts` specifiers; published ones must name `.js`.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const root = new URL("../dist/types/", import.meta.url).pathname;
for (const name of await readdir(root, { recursive: true })) {
  if (!name.endsWith(".d.ts")) continue;
  const path = join(root, name);
  const text = await readFile(path, "utf8");
  await writeFile(path, text.replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2"));
}
