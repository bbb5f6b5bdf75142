// The one clock of the app: deps.now (unix seconds) when a test injects one, else the system's.
import type { AppDeps } from "./env.ts";

export function nowMs(deps: Pick<AppDeps, "now">): number {
  return deps.now ? deps.now() * 1000 : Date.now();
}

/** Unix seconds. */
export function nowSeconds(deps: Pick<AppDeps, "now">): number {
  return Math.floor(nowMs(deps) / 1000);
}
