import { describe, expect, it } from "vitest";
import { rankByRendezvous } from "./rendezvous.ts";

const nodes = ["node-a", "node-b", "node-c", "node-d"];

describe("rendezvous hashing", () => {
  it("ranks the same nodes the same way for a key, whatever order they are listed in", async () => {
    const ranking = await rankByRendezvous("video-1", nodes);
    expect(ranking.toSorted()).toEqual(nodes.toSorted());
    expect(await rankByRendezvous("video-1", nodes.toReversed())).toEqual(ranking);
  });

  it("moves only the videos of a node that leaves, each to its next node in line", async () => {
    const videos = Array.from({ length: 200 }, (_, i) => `video-${i}`);
    const before = await Promise.all(videos.map((v) => rankByRendezvous(v, nodes)));
    const gone = "node-b";
    const after = await Promise.all(videos.map((v) => rankByRendezvous(v, nodes.filter((n) => n !== gone))));
    for (const [i, ranking] of before.entries()) {
      expect(after[i]![0]).toBe(ranking[0] === gone ? ranking[1] : ranking[0]);
    }
    // Spread: every node is first for some videos.
    expect(new Set(before.map((r) => r[0]))).toEqual(new Set(nodes));
  });
});
