// The operator's view (#/nodes): the transcode nodes registered with the worker (GET /api/admin/nodes),
// their state in words, free slots and work; ids, URLs and encoders in a details disclosure. With
// one node set by TRANSCODE_NODE_URL (plain `npm start`) no node registers: a short note says so.
import type { FleetNode } from "@edgestream/contracts";
import { listNodes } from "./api.ts";
import { el } from "./dom.ts";

const STATUS_WORDS: Record<FleetNode["status"], string> = {
  healthy: "Working",
  draining: "Finishing its work, taking no more",
  lost: "Not answering",
};

const REFRESH_MS = 5000;

function ago(iso: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  // No-break spaces: "4 s" never splits across lines.
  return seconds < 60 ? `${seconds}\u00a0s ago` : `${Math.round(seconds / 60)}\u00a0min ago`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function nodeCard(node: FleetNode): HTMLLIElement {
  const facts: [string, string][] = [
    ["Node id", node.id],
    ["Address", node.url ?? "none (takes packaging jobs only)"],
    ["Encoders", node.encoders.join(", ")],
    ["Load", node.load.toFixed(2)],
  ];
  return el(
    "li",
    { class: `node ${node.status}`, "data-node": node.name },
    el("div", { class: "node-head" }, el("h2", {}, node.name), el("span", { class: "node-status" }, STATUS_WORDS[node.status])),
    el("p", { class: "meta" }, `${node.hardware ? "Hardware encoding" : "Software encoding"} · last heard from ${ago(node.lastHeartbeatAt)}`),
    el("p", { class: "node-work" }, `Packaging ${plural(node.packaging.length, "video")} · ${plural(node.sessions.length, "live session")} · free: ${plural(node.freeJobSlots, "job slot")}, ${plural(node.freeSessionSlots, "session slot")}`),
    el("details", { class: "details" }, el("summary", {}, "Technical details"), el("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]))),
  );
}

export function showNodes(main: HTMLElement): () => void {
  const list = el("ul", { class: "nodes", "aria-live": "polite" });
  const note = el("p", { class: "panel-note" }, "Loading…");
  main.replaceChildren(
    el("nav", { class: "crumbs" }, el("a", { href: "#/" }, "← All videos")),
    el("section", { class: "watch", "aria-labelledby": "nodes-title" }, el("h1", { id: "nodes-title" }, "Transcode nodes"), note, list),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    try {
      const nodes = await listNodes();
      list.replaceChildren(...nodes.map(nodeCard));
      note.textContent = nodes.length
        ? `${plural(nodes.length, "node")} registered. Videos are packaged and played by whichever has room.`
        : "No transcode nodes have registered. In the one-box set-up (npm start) this server sends its work to a node it was given directly; with a fleet, nodes appear here as they register.";
    } catch (error) {
      note.textContent = (error as Error).message;
    }
    timer = setTimeout(() => void load(), REFRESH_MS);
  };
  void load();
  return () => clearTimeout(timer);
}
