// A stand-in for hls.js in unit tests: happy-dom has no Media Source Extensions, so the real one
// cannot run there (it plays for real in tests/e2e under Chromium). It records what the player asks
// of it and lets a test fire hls.js events.
import type { HlsConfig, LoadPolicy, MediaPlaylist } from "hls.js";

const policy = (maxNumRetry: number): LoadPolicy => ({
  default: {
    maxTimeToFirstByteMs: 10_000,
    maxLoadTimeMs: 20_000,
    timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
    errorRetry: { maxNumRetry, retryDelayMs: 1000, maxRetryDelayMs: 8000 },
  },
});

export class FakeHls {
  static instances: FakeHls[] = [];
  static supported = true;
  static isSupported = () => FakeHls.supported;
  static Events = {
    ERROR: "hlsError",
    LEVEL_LOADED: "hlsLevelLoaded",
    FRAG_BUFFERED: "hlsFragBuffered",
    LEVEL_SWITCHED: "hlsLevelSwitched",
    AUDIO_TRACKS_UPDATED: "hlsAudioTracksUpdated",
    SUBTITLE_TRACKS_UPDATED: "hlsSubtitleTracksUpdated",
    AUDIO_TRACK_SWITCHED: "hlsAudioTrackSwitched",
    SUBTITLE_TRACK_SWITCH: "hlsSubtitleTrackSwitch",
  };
  static DefaultConfig = {
    maxBufferLength: 30,
    manifestLoadPolicy: policy(1),
    playlistLoadPolicy: policy(2),
    fragLoadPolicy: policy(6),
    keyLoadPolicy: policy(8),
  } as unknown as HlsConfig;

  handlers = new Map<string, Set<(event: string, data: unknown) => void>>();
  calls: string[] = [];
  source?: string;
  media?: HTMLMediaElement;
  destroyed = false;
  levels = [
    { height: 360, width: 640, bitrate: 800_000 },
    { height: 720, width: 1280, bitrate: 2_500_000 },
  ];
  /** The master's EXT-X-MEDIA renditions, as hls.js lists them (set by a test, then AUDIO_TRACKS_UPDATED fired). */
  audioTracks: Partial<MediaPlaylist>[] = [];
  subtitleTracks: Partial<MediaPlaylist>[] = [];
  subtitleDisplay = true;
  private audioId = 0;
  private subtitleId = -1;
  autoLevelEnabled = true;
  nextLoadLevel = 0;
  config: HlsConfig;

  constructor(config: Partial<HlsConfig>) {
    this.config = { ...FakeHls.DefaultConfig, ...config } as HlsConfig;
    FakeHls.instances.push(this);
  }
  set nextLevel(level: number) {
    this.autoLevelEnabled = level === -1;
    this.nextLoadLevel = level;
  }
  /** hls.js switches at once (flushing the buffer ahead); recorded, the level as nextLevel. */
  set currentLevel(level: number) {
    this.calls.push(`currentLevel=${level}`);
    this.nextLevel = level;
  }
  /** hls.js switches and then says so. */
  get audioTrack() {
    return this.audioId;
  }
  set audioTrack(id: number) {
    this.calls.push(`audioTrack=${id}`);
    this.audioId = id;
    this.fire("AUDIO_TRACK_SWITCHED", { id });
  }
  get subtitleTrack() {
    return this.subtitleId;
  }
  set subtitleTrack(id: number) {
    this.calls.push(`subtitleTrack=${id}`);
    this.subtitleId = id;
    this.fire("SUBTITLE_TRACK_SWITCH", { id });
  }
  /**
   * As hls.js's subtitle controller does on a new list: announce it, then select its own initial
   * track (the DEFAULT one, else none), whatever a listener of the announcement chose.
   */
  updateSubtitleTracks(tracks: Partial<MediaPlaylist>[]) {
    this.subtitleTracks = tracks;
    this.fire("SUBTITLE_TRACKS_UPDATED", { subtitleTracks: tracks });
    this.subtitleId = tracks.findIndex((t) => t.default);
  }
  on(event: string, handler: (event: string, data: unknown) => void) {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
  }
  off(event: string, handler: (event: string, data: unknown) => void) {
    this.handlers.get(event)?.delete(handler);
  }
  fire(event: keyof typeof FakeHls.Events, data: unknown) {
    for (const handler of [...(this.handlers.get(FakeHls.Events[event]) ?? [])]) handler(FakeHls.Events[event], data);
  }
  loadSource(url: string) {
    this.source = url;
  }
  attachMedia(media: HTMLMediaElement) {
    this.media = media;
  }
  startLoad() {
    this.calls.push("startLoad");
  }
  recoverMediaError() {
    this.calls.push("recoverMediaError");
  }
  swapAudioCodec() {
    this.calls.push("swapAudioCodec");
  }
  destroy() {
    this.destroyed = true;
  }
}

export const loadFakeHls = async () => FakeHls as unknown as typeof import("hls.js").default;
