// <edgestream-player video-id="…" token="…"> for pages without a build step. Attributes map to
// createPlayer options; every player event is re-dispatched as `edgestream-<event>` (detail = payload).
import type { Controls } from "./controls/control-bar.ts";
import { PlayerEvent } from "./events.ts";
import type { HlsConstructor, PlayerOptions } from "./options.ts";
import { createPlayer, type Player } from "./player.ts";
import type { StreamInfo } from "./stream-api.ts";

const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;
/** A hover this long counts as interest (`preload="hover"`). */
export const PRELOAD_HOVER_MS = 300;

export class EdgestreamPlayerElement extends Base {
  static observedAttributes = ["video-id", "token", "api-base", "preload"];
  /** The element's own control bar, set by the `controls` entry point; native controls without it. */
  static controls: ((element: EdgestreamPlayerElement, player: Player) => Controls) | undefined;
  /** The running player (null until video-id and a token are set). */
  player: Player | null = null;
  /** Set instead of the token attribute to refresh viewer tokens. */
  getToken: (() => string | Promise<string>) | undefined;
  /** Set to a /stream answer fetched ahead (prewarm()'s `stream`): the player starts from it. */
  stream: StreamInfo | undefined;
  /** Set to load hls.js your own way (the `hls-src` attribute covers pages without a bundler). */
  loadHls: (() => Promise<HlsConstructor>) | undefined;
  readonly video: HTMLVideoElement;
  private bar: Controls | null = null;
  /** With `preload`, the player starts once the element is seen or hovered a moment; then this is set. */
  private wanted = false;
  private waiting: (() => void) | null = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.innerHTML = "<style>:host{display:block;background:#000}video{display:block;width:100%;height:100%}</style>";
    this.video = document.createElement("video");
    this.video.setAttribute("part", "video");
    root.append(this.video);
  }

  connectedCallback(): void {
    this.start();
  }

  disconnectedCallback(): void {
    this.stop();
    this.waiting?.();
  }

  /** `preload` ("visible", the default, or "hover"): start when on screen, or after a hover of PRELOAD_HOVER_MS. */
  private waitForInterest(): void {
    if (this.waiting) return;
    const wake = () => {
      this.waiting?.();
      this.wanted = true;
      this.start();
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const enter = () => (timer = setTimeout(wake, PRELOAD_HOVER_MS));
    const leave = () => clearTimeout(timer);
    this.addEventListener("pointerenter", enter);
    this.addEventListener("pointerleave", leave);
    const seen = this.getAttribute("preload") !== "hover" && globalThis.IntersectionObserver ? new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && wake()) : null;
    seen?.observe(this);
    this.waiting = () => {
      clearTimeout(timer);
      this.removeEventListener("pointerenter", enter);
      this.removeEventListener("pointerleave", leave);
      seen?.disconnect();
      this.waiting = null;
    };
  }

  private stop(): void {
    this.bar?.destroy();
    this.player?.destroy();
    this.bar = this.player = null;
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.start();
  }

  private start(): void {
    this.stop();
    const bar = EdgestreamPlayerElement.controls;
    const a = (name: string) => this.getAttribute(name);
    const has = (name: string) => this.hasAttribute(name);
    const videoId = a("video-id");
    const token = a("token");
    if (!videoId || (!token && !this.getToken)) return;
    if (has("preload") && !this.wanted) return this.waitForInterest();
    const v = this.video;
    v.controls = !has("nocontrols") && !bar;
    v.muted = has("muted");
    v.playsInline = true;
    if (a("poster")) v.poster = a("poster")!;
    const hlsSrc = a("hls-src");
    const options: PlayerOptions = {
      videoId,
      apiBase: a("api-base") ?? "",
      autoplay: has("autoplay"),
      ...(this.getToken ? { getToken: this.getToken } : { token: token! }),
      ...(a("start-position") ? { startPosition: Number(a("start-position")) } : {}),
      ...(a("buffer") ? { buffer: a("buffer") as "low" } : {}),
      ...(this.stream ? { stream: this.stream } : {}),
      // Without a bundler, "hls.js" is no module name the browser knows: hls-src gives its URL.
      ...(this.loadHls ? { loadHls: this.loadHls } : {}),
      ...(hlsSrc && !this.loadHls ? { loadHls: async () => ((await import(/* @vite-ignore */ hlsSrc)) as { default: HlsConstructor }).default } : {}),
    };
    try {
      const player = (this.player = createPlayer(v, options));
      if (bar && !has("nocontrols")) this.bar = bar(this, player);
      for (const event of Object.values(PlayerEvent)) {
        player.on(event, (detail) => this.dispatchEvent(new CustomEvent(`edgestream-${event}`, { detail })));
      }
    } catch (error) {
      this.dispatchEvent(new CustomEvent("edgestream-error", { detail: { type: "unsupported", details: "bad-attributes", fatal: true, error } }));
    }
  }
}

if (globalThis.customElements && !customElements.get("edgestream-player")) customElements.define("edgestream-player", EdgestreamPlayerElement);

declare global {
  interface HTMLElementTagNameMap {
    "edgestream-player": EdgestreamPlayerElement;
  }
}
