// One shutdown path for every long-running entry (Node and Deno, through node:process): the first
// SIGTERM or SIGINT runs close() once and prints one line saying what stopped; a second signal forces
// the exit. A repeat within REPEAT_MS of the first is the same request, not a second one: a signal
// to the process group reaches the process directly and again through `npm run`, which relays it.
import process from "node:process";

export const REPEAT_MS = 1000;

export interface StopOnSignals {
  /** Who is speaking, e.g. "edgestream worker". */
  name: string;
  /** Closes everything the entry started; resolves to what it stopped, for the one line. */
  close: () => Promise<string>;
  /** How long a repeat counts as the same request; default REPEAT_MS (tests set 0). */
  repeatMs?: number;
}

export function stopOnSignals({ name, close, repeatMs = REPEAT_MS }: StopOnSignals): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      close().then(
        (what) => {
          console.log(`${name}: stopped on ${signal}: ${what}`);
          process.exit(0);
        },
        (error: Error) => {
          console.error(`${name}: stopping on ${signal} failed: ${error.message}`);
          process.exit(1);
        },
      );
      return;
    }
    if (Date.now() - firstAt < repeatMs) return;
    console.error(`${name}: second ${signal}, forced exit before everything was closed`);
    process.exit(1);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
