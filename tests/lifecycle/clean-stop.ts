// What "stopped cleanly" means for every long-running entry, checked after the signal: the process
// exited, nothing it started is left, its ports are free, its database is closed (no -wal/-shm),
// the node's work folder is empty, and it said so in exactly one line.
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { EntryProcess } from "../helpers/entry-process.ts";
import { portIsFree } from "../helpers/entry-process.ts";
import { isAlive, listProcesses, processTree, until, type ProcessInfo } from "../helpers/processes.ts";

export const STOP_LINE = /^edgestream[\w ]*: stopped on (SIGTERM|SIGINT): .+$/gm;

export interface StopCase {
  signal: "SIGTERM" | "SIGINT";
  /** The process that was started (npm), or its whole process group (a terminal's Ctrl-C). */
  to: "process" | "group";
}

/** Records the whole tree, signals as asked, and waits for the started process to exit. */
export async function signalAndWait(entry: EntryProcess, { signal, to }: StopCase): Promise<ProcessInfo[]> {
  const tree = await processTree(entry.pid);
  process.kill(to === "group" ? -entry.pid : entry.pid, signal);
  await entry.exited;
  // npm exits on a signal without waiting for its child; the stack's stop is judged when every
  // process recorded above has exited (or the bound passes, and the check below names them).
  await until(async () => ((await Promise.all(tree.map((p) => isAlive(p.pid)))).some(Boolean) ? undefined : true), "the stack to exit", 60_000).catch(() => {});
  return tree;
}

export async function expectCleanStop(
  entry: EntryProcess,
  tree: ProcessInfo[],
  { signal, dataDir, ports, workDir, database }: { signal: string; dataDir: string; ports: number[]; workDir?: string; database?: string },
): Promise<void> {
  const left = [];
  for (const p of tree) if (await isAlive(p.pid)) left.push(p);
  expect(left, "processes of the stack still alive").toEqual([]);
  const mentioning = (await listProcesses()).filter((p) => p.state !== "Z" && p.cmdline.includes(dataDir));
  expect(mentioning, "processes working in the data folder").toEqual([]);
  for (const port of ports) expect(await portIsFree(port), `port ${port} is free`).toBe(true);
  if (workDir) expect(await readdir(workDir), "the node's work folder").toEqual([]);
  if (database) {
    expect(existsSync(database)).toBe(true);
    expect(existsSync(`${database}-wal`) || existsSync(`${database}-shm`), "-wal/-shm beside the database").toBe(false);
  }
  const lines = entry.output().match(STOP_LINE) ?? [];
  expect(lines, entry.output()).toHaveLength(1);
  expect(lines[0]).toContain(`stopped on ${signal}`);
}

export const dbFile = (dataDir: string) => join(dataDir, "edgestream.db");
