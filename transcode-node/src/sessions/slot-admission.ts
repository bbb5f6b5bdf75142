// Pure: who gets a session slot when a new session asks for one. A pre-warm (the SDK's `prewarm()`)
// ranks below a playing viewer: when the slots are all taken, a viewer's start stops the least
// recently used pre-warm session to make room, a new pre-warm is refused, and a viewer is never
// stopped for a pre-warm. session-registry.ts carries the decision out.
import type { SessionPriority } from "@edgestream/contracts";

/** What admission needs to know of one running session. */
export interface SlotView {
  priority: SessionPriority;
  /** When one of its leases was last renewed (ms). */
  lastUsedAt: number;
}

export type Admission<S> = { type: "admit" } | { type: "evict"; session: S } | { type: "refuse"; reason: string };

/**
 * `running`: the sessions holding a slot; `starting`: starts under way (they hold a slot, and cannot
 * be stopped yet); `slots`: SESSION_MAX.
 */
export function admit<S extends SlotView>(running: readonly S[], starting: number, slots: number, priority: SessionPriority): Admission<S> {
  if (running.length + starting < slots) return { type: "admit" };
  const full = `this node already runs ${slots} sessions (SESSION_MAX)`;
  if (priority === "prewarm") return { type: "refuse", reason: `${full}: a pre-warm waits for a free slot` };
  const prewarms = running.filter((s) => s.priority === "prewarm");
  if (prewarms.length === 0) return { type: "refuse", reason: full };
  const session = prewarms.reduce((a, b) => (b.lastUsedAt < a.lastUsedAt ? b : a));
  return { type: "evict", session };
}
