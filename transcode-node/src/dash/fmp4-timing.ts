// Segment times straight from fMP4 boxes, for an exact DASH SegmentTimeline: the timescale (and a
// default sample duration) from the init segment's `mdhd`/`trex`, each segment's start from its
// `tfdt` and its length from the `trun` sample durations. Pure: bytes in, numbers out.

interface Box {
  type: string;
  /** Offset of the box's payload (after its header) and of its end, in the buffer given. */
  start: number;
  end: number;
}

/** The boxes laid one after another in `bytes[from, to)`. */
function* boxes(bytes: Uint8Array, from = 0, to = bytes.length): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) throw new Fmp4Error(`box ${JSON.stringify(type)} at ${at} runs past its parent`);
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: Box | undefined, type: string): Box | undefined {
  if (!parent) return undefined;
  for (const box of boxes(bytes, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

function path(bytes: Uint8Array, types: string[]): Box | undefined {
  let box: Box | undefined = { type: "", start: 0, end: bytes.length };
  for (const type of types) box = child(bytes, box, type);
  return box;
}

export class Fmp4Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Fmp4Error";
  }
}

export interface InitTiming {
  /** Ticks per second of the track's media times (the `mdhd` timescale). */
  timescale: number;
  /** `trex` default sample duration, used when a fragment names none. */
  defaultSampleDuration: number;
}

/** The timing facts of a single-track init segment. */
export function initTiming(init: Uint8Array): InitTiming {
  const view = new DataView(init.buffer, init.byteOffset, init.byteLength);
  const mdhd = path(init, ["moov", "trak", "mdia", "mdhd"]);
  if (!mdhd) throw new Fmp4Error("the init segment has no moov/trak/mdia/mdhd box");
  const timescale = view.getUint32(mdhd.start + (init[mdhd.start] === 1 ? 20 : 12));
  if (timescale === 0) throw new Fmp4Error("the init segment's timescale is 0");
  const trex = path(init, ["moov", "mvex", "trex"]);
  return { timescale, defaultSampleDuration: trex ? view.getUint32(trex.start + 12) : 0 };
}

/** A movie fragment's decode time and the summed durations of its samples, in timescale ticks. */
export interface FragmentTiming {
  start: number;
  duration: number;
}

/** Reads one `moof` box (the whole box, header included) of a single-track fragment. */
export function fragmentTiming(moof: Uint8Array, init: InitTiming): FragmentTiming {
  const view = new DataView(moof.buffer, moof.byteOffset, moof.byteLength);
  const traf = path(moof, ["moof", "traf"]);
  const tfdt = child(moof, traf, "tfdt");
  if (!traf || !tfdt) throw new Fmp4Error("the fragment has no traf/tfdt box");
  const start = moof[tfdt.start] === 1 ? Number(view.getBigUint64(tfdt.start + 4)) : view.getUint32(tfdt.start + 4);
  const tfhd = child(moof, traf, "tfhd");
  let defaultDuration = init.defaultSampleDuration;
  if (tfhd) {
    const flags = view.getUint32(tfhd.start) & 0xffffff;
    // track_ID, then base_data_offset (0x01, 8 bytes) and sample_description_index (0x02, 4 bytes) when present.
    const at = tfhd.start + 8 + (flags & 0x01 ? 8 : 0) + (flags & 0x02 ? 4 : 0);
    if (flags & 0x08) defaultDuration = view.getUint32(at);
  }
  let duration = 0;
  for (const trun of boxes(moof, traf.start, traf.end)) {
    if (trun.type !== "trun") continue;
    const flags = view.getUint32(trun.start) & 0xffffff;
    const count = view.getUint32(trun.start + 4);
    if (!(flags & 0x100)) {
      duration += count * defaultDuration;
      continue;
    }
    const perSample = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
    let at = trun.start + 8 + (flags & 0x01 ? 4 : 0) + (flags & 0x04 ? 4 : 0);
    if (at + count * perSample > trun.end) throw new Fmp4Error("a trun box is shorter than its sample count");
    for (let i = 0; i < count; i++, at += perSample) duration += view.getUint32(at);
  }
  if (duration === 0) throw new Fmp4Error("the fragment's samples have no duration");
  return { start, duration };
}
