// A real storage driver seen through a counter: every get() that reaches it is counted per key, and
// the next reads of a key can be made to fail as a failing backend would. For tests of what reads
// through it (the segment cache): the bytes still come from the real driver.
import { StorageUnavailableError, type StorageDriver } from "@edgestream/contracts";

export interface CountingStorage extends StorageDriver {
  /** get() calls that reached the wrapped driver for this key. */
  reads(key: string): number;
  /** The next `count` reads of `key` fail with StorageUnavailableError after reaching the driver. */
  failNextReads(key: string, count: number): void;
}

export function countingStorage(inner: StorageDriver): CountingStorage {
  const counts = new Map<string, number>();
  const failures = new Map<string, number>();
  return {
    name: inner.name,
    reads: (key) => counts.get(key) ?? 0,
    failNextReads: (key, count) => void failures.set(key, count),
    async get(key, options) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const failing = failures.get(key) ?? 0;
      if (failing > 0) {
        failures.set(key, failing - 1);
        // Yield first, as a real backend answers later: concurrent readers are all waiting by then.
        await new Promise((resolve) => setTimeout(resolve, 0));
        throw new StorageUnavailableError(`injected read failure of ${key}`);
      }
      return inner.get(key, options);
    },
    head: (key) => inner.head(key),
    put: (key, body) => inner.put(key, body),
    delete: (key) => inner.delete(key),
    list: (prefix) => inner.list(prefix),
  };
}
