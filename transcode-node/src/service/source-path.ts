// Which files a job or session may name by `source.path`: regular files (never a device, FIFO, socket
// or folder) whose real location is below SOURCE_DIR, or by default below the node's own storage and
// work folders. Symlinks are followed before the check, so a link cannot lead outside.
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { MediaInputError } from "../errors.ts";
import { regularFileSize } from "../source-file.ts";
import type { NodeConfig } from "./config.ts";
import { codedError } from "./http-error.ts";

/** The folders `source.path` may point into: SOURCE_DIR when the operator set it, else STORAGE_DIR and WORK_DIR. */
export function sourceRoots(config: Pick<NodeConfig, "SOURCE_DIR" | "STORAGE_DIR" | "WORK_DIR">): string[] {
  return (config.SOURCE_DIR ? [config.SOURCE_DIR] : [config.STORAGE_DIR, config.WORK_DIR]).map((root) => resolve(root));
}

function below(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

export async function checkSourcePath(path: string, roots: readonly string[]): Promise<void> {
  if (!isAbsolute(path)) throw codedError(400, "bad_request", "source.path must be absolute");
  try {
    await regularFileSize(path);
  } catch (error) {
    if (error instanceof MediaInputError) throw codedError(422, "unreadable_source", `source.path: ${error.message}`);
    throw error;
  }
  const real = await realpath(path);
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  if (!realRoots.some((root) => below(root, real))) {
    throw codedError(403, "forbidden", "source.path is outside the folders this node reads (SOURCE_DIR, by default its storage and work folders)");
  }
}

