// createTracks(player): the video's audio and subtitle tracks, listed and chosen through one API
// whatever plays them, with the viewer's choice remembered (by language and name) and applied to
// the next video they load.
import { Emitter } from "../events.ts";
// From the core's entry, not events.ts: what this entry shares with the core then stays in the core's chunk (no extra chunk for every page).
import { PlayerEvent } from "../index.ts";
import type { Player } from "../player.ts";
import { hlsTracks } from "./hls-tracks.ts";
import { nativeTracks } from "./native-tracks.ts";
import { pickAudio, pickOf, pickSubtitle, type TrackChoice } from "./track-choice.ts";
import type { AudioTrackInfo, SubtitleTrackInfo, TrackChange, TrackSource } from "./track-info.ts";
import { loadChoice, pageStorage, saveChoice, viewerOf } from "./track-memory.ts";

export interface TracksOptions {
  /** Whose choice to load and save; default: the `sub` of the player's viewer JWT. */
  viewer?: string;
  /** Where choices are kept; default: the page's localStorage. null: not kept. */
  storage?: Storage | null;
}

export interface TracksEventMap {
  /** A list changed (a package loaded) or another track was chosen. */
  change: Tracks;
}

export interface Tracks {
  /** The audio tracks of the video playing (one or none for most videos). */
  readonly audio: AudioTrackInfo[];
  readonly subtitles: SubtitleTrackInfo[];
  /** The id of the audio track playing, -1 when none is known. */
  readonly audioTrack: number;
  /** The id of the subtitle track showing, -1 when subtitles are off. */
  readonly subtitleTrack: number;
  /** Plays that audio track and remembers its language and name for this viewer's next videos. */
  setAudioTrack(id: number): void;
  /** Shows that subtitle track ("off" or -1: none) and remembers it the same way. */
  setSubtitleTrack(id: number | "off"): void;
  on: Emitter<TracksEventMap>["on"];
  off: Emitter<TracksEventMap>["off"];
  /** Stops listening to the player and its tracks (the player's destroy() does it too); the tracks playing stay as they are. */
  destroy(): void;
}

export function createTracks(player: Player, options: TracksOptions = {}): Tracks {
  return new TrackController(player, options);
}

class TrackController implements Tracks {
  private readonly emitter = new Emitter<TracksEventMap>();
  private readonly storage: Storage | null;
  private readonly offs: (() => void)[];
  private source: TrackSource | null = null;
  private viewer = "";
  private choice: TrackChoice = {};
  on: Tracks["on"];
  off: Tracks["off"];

  constructor(
    private readonly player: Player,
    private readonly options: TracksOptions,
  ) {
    this.storage = options.storage === undefined ? pageStorage() : options.storage;
    this.on = this.emitter.on.bind(this.emitter);
    this.off = this.emitter.off.bind(this.emitter);
    // A new engine (the first one, or the MP4 fallback) has its own tracks.
    this.offs = [
      player.on(PlayerEvent.Ready, () => this.bind()),
      player.on(PlayerEvent.Recovered, ({ from }) => from === "mp4-fallback" && this.bind()),
      player.on(PlayerEvent.Status, ({ status }) => status === "destroyed" && this.destroy()),
    ];
    if (player.engine) this.bind();
  }

  get audio() {
    return this.source?.audio() ?? [];
  }
  get subtitles() {
    return this.source?.subtitles() ?? [];
  }
  get audioTrack() {
    return this.source?.audioTrack() ?? -1;
  }
  get subtitleTrack() {
    return this.source?.subtitleTrack() ?? -1;
  }

  setAudioTrack(id: number): void {
    const track = this.audio.find((t) => t.id === id);
    if (!track) return;
    this.remember({ ...this.choice, audio: pickOf(track) });
    this.source!.selectAudio(id);
  }

  setSubtitleTrack(id: number | "off"): void {
    const track = this.subtitles.find((t) => t.id === id);
    if (!track && id !== "off" && id !== -1) return;
    this.remember({ ...this.choice, subtitles: track ? pickOf(track) : "off" });
    this.source?.selectSubtitle(track ? track.id : -1);
  }

  destroy(): void {
    for (const off of this.offs) off();
    this.source?.destroy();
    this.source = null;
    this.emitter.clear();
  }

  private remember(choice: TrackChoice): void {
    this.choice = choice;
    saveChoice(this.storage, this.viewer, choice);
  }

  private bind(): void {
    const { player } = this;
    this.source?.destroy();
    this.source = player.hls ? hlsTracks(player.hls, (change) => this.changed(change)) : nativeTracks(player.video, (change) => this.changed(change));
    this.viewer = this.options.viewer ?? viewerOf(player.viewerToken);
    this.choice = loadChoice(this.storage, this.viewer);
    this.restore("audio");
    this.restore("subtitles");
    this.emitter.emit("change", this);
  }

  private changed(change: TrackChange): void {
    this.restore(change);
    this.emitter.emit("change", this);
  }

  /** A list arrived: apply the remembered choice to it (the choice itself stays, even when this video lacks its language). */
  private restore(change: TrackChange): void {
    const source = this.source!;
    if (change === "audio") {
      const id = pickAudio(source.audio(), this.choice);
      if (id !== undefined && id !== source.audioTrack()) source.selectAudio(id);
    } else if (change === "subtitles") {
      const id = pickSubtitle(source.subtitles(), this.choice);
      if (id !== undefined && id !== source.subtitleTrack()) source.selectSubtitle(id);
    }
  }
}
