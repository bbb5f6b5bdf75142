// Slot admission, table by table: running sessions (priority, last use), starts under way, slots and
// the new session's priority → admit, stop a pre-warm first, or refuse.
import type { SessionPriority } from "@edgestream/contracts";
import { describe, expect, it } from "vitest";
import { admit, type SlotView } from "./slot-admission.ts";

interface Slot extends SlotView {
  name: string;
}
const s = (name: string, priority: SessionPriority, lastUsedAt: number): Slot => ({ name, priority, lastUsedAt });

describe("admit: a new session asks for a slot", () => {
  it.each([
    { why: "a viewer with a free slot is admitted", running: [s("a", "prewarm", 1)], starting: 0, slots: 2, priority: "viewer", expected: "admit" },
    { why: "a pre-warm with a free slot is admitted", running: [s("a", "viewer", 1)], starting: 0, slots: 2, priority: "prewarm", expected: "admit" },
    { why: "a start under way holds a slot", running: [s("a", "prewarm", 1)], starting: 1, slots: 2, priority: "prewarm", expected: "refuse" },
    { why: "a pre-warm is refused when the slots are full of viewers", running: [s("a", "viewer", 1), s("b", "viewer", 2)], starting: 0, slots: 2, priority: "prewarm", expected: "refuse" },
    { why: "a pre-warm never stops another pre-warm", running: [s("a", "prewarm", 1), s("b", "viewer", 2)], starting: 0, slots: 2, priority: "prewarm", expected: "refuse" },
    { why: "a viewer is refused when every slot holds a viewer (no viewer is stopped)", running: [s("a", "viewer", 1), s("b", "viewer", 2)], starting: 0, slots: 2, priority: "viewer", expected: "refuse" },
    { why: "a viewer stops the only pre-warm", running: [s("a", "viewer", 1), s("b", "prewarm", 9)], starting: 0, slots: 2, priority: "viewer", expected: "evict b" },
    { why: "a viewer stops the least recently used pre-warm", running: [s("a", "prewarm", 5), s("b", "viewer", 1), s("c", "prewarm", 3)], starting: 0, slots: 3, priority: "viewer", expected: "evict c" },
    { why: "a viewer stops a pre-warm even when a start under way fills the rest", running: [s("a", "prewarm", 5)], starting: 1, slots: 2, priority: "viewer", expected: "evict a" },
    { why: "a viewer with every slot starting is refused", running: [], starting: 2, slots: 2, priority: "viewer", expected: "refuse" },
  ] as const)("$why", ({ running, starting, slots, priority, expected }) => {
    const decision = admit(running, starting, slots, priority);
    expect(decision.type === "evict" ? `evict ${decision.session.name}` : decision.type).toBe(expected);
  });

  it("says which limit refused the start and that a pre-warm waits", () => {
    expect(admit([s("a", "viewer", 1)], 0, 1, "prewarm")).toEqual({ type: "refuse", reason: "this node already runs 1 sessions (SESSION_MAX): a pre-warm waits for a free slot" });
  });
});
