// Counts event listeners each target holds (added minus removed), through spies on
// addEventListener/removeEventListener: a component that pairs its listeners leaves zeros.
import { vi } from "vitest";

export function countListeners(...targets: EventTarget[]): () => number[] {
  const open = new Map<EventTarget, number>(targets.map((target) => [target, 0]));
  for (const target of targets) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    vi.spyOn(target, "addEventListener").mockImplementation((name, fn, opts) => (open.set(target, open.get(target)! + 1), add(name, fn, opts)));
    vi.spyOn(target, "removeEventListener").mockImplementation((name, fn, opts) => (open.set(target, open.get(target)! - 1), remove(name, fn, opts)));
  }
  return () => targets.map((target) => open.get(target)!);
}
