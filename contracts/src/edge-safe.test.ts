// The main entry runs in Workers, Deno and browsers: nothing reachable from it may import `node:*`
// (or any package but zod). The fs/S3/R2 drivers are subpath exports and stay out of this graph.
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from `entry` by static imports, with the bare (package) specifiers each one names. */
async function importGraph(entry: string): Promise<{ modules: string[]; packages: string[] }> {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = async (path: string) => {
    if (modules.has(path)) return;
    modules.add(path);
    const code = await readFile(path, "utf8");
    for (const { fileName: specifier } of ts.preProcessFile(code, true, false).importedFiles) {
      if (specifier.startsWith(".")) await visit(join(dirname(path), specifier));
      else packages.add(specifier);
    }
  };
  await visit(join(SRC, entry));
  return { modules: [...modules].map((m) => relative(SRC, m)).sort(), packages: [...packages].sort() };
}

describe("edge-safe entries", () => {
  it("reaches no node:* module and no package but zod from the main entry", async () => {
    const { modules, packages } = await importGraph("index.ts");
    expect(packages).toEqual(["zod"]);
    expect(modules).toContain("storage/driver.ts");
    expect(modules).not.toContain("storage/fs.ts");
  });

  it("keeps the fs driver, which does need node:fs, behind its own subpath", async () => {
    const { packages } = await importGraph("storage/fs.ts");
    expect(packages).toContain("node:fs/promises");
  });

  it("gives the player SDK its token parameter without any import", async () => {
    expect(await importGraph("stream-token-param.ts")).toEqual({ modules: ["stream-token-param.ts"], packages: [] });
  });

  it("gives the player SDK the /stream answer type without any import, so its published types need no zod", async () => {
    expect(await importGraph("stream-info.ts")).toEqual({ modules: ["stream-info.ts"], packages: [] });
  });

  it("gives webhook receivers the signature helper without any import (Web Crypto only)", async () => {
    expect(await importGraph("webhook-signature.ts")).toEqual({ modules: ["webhook-signature.ts"], packages: [] });
  });
});
