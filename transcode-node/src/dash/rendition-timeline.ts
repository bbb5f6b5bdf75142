// One packaged rendition's exact segment timeline, read back from its files: the media playlist for
// which files (init, segments in order), the init's timescale, and each segment's `moof` boxes (a
// few hundred bytes to a few KB per segment; the media data is skipped, never read).
import { open, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { parseSegmentName } from "@edgestream/contracts";
import { readMediaPlaylist } from "../media-playlist.ts";
import { Fmp4Error, fragmentTiming, initTiming, type FragmentTiming, type InitTiming } from "./fmp4-timing.ts";

export interface RenditionTimeline {
  /** The init segment's file name in the rendition folder. */
  init: string;
  timescale: number;
  /** The number in the first segment's name (`seg_00000.m4s` → 0); the rest follow one by one. */
  startNumber: number;
  /** Each segment's start (its `tfdt`) and duration (its samples), in timescale ticks. */
  segments: FragmentTiming[];
}

export async function readRenditionTimeline(folder: string): Promise<RenditionTimeline> {
  const { init, segments } = await readMediaPlaylist(folder);
  if (!init) throw new Fmp4Error(`${folder} has no init segment: DASH needs fMP4 renditions`);
  const numbers = segments.map((s) => parseSegmentName(s.uri));
  const startNumber = numbers[0];
  if (startNumber === undefined || numbers.some((n, i) => n !== startNumber + i)) {
    throw new Fmp4Error(`${folder}: the segments are not named one number after another, so no template names them`);
  }
  const timing = initTiming(await readFile(join(folder, init)));
  const timed = await Promise.all(segments.map((s) => segmentTiming(join(folder, s.uri), timing)));
  return { init, timescale: timing.timescale, startNumber, segments: timed };
}

/** A segment's start (its first fragment's `tfdt`) and the durations of all its fragments. */
async function segmentTiming(file: string, init: InitTiming): Promise<FragmentTiming> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    let start: number | undefined;
    let duration = 0;
    for (let at = 0; at + 8 <= size; ) {
      const header = await readAt(handle, at, 16);
      const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
      const small = view.getUint32(0);
      const boxSize = small === 1 ? Number(view.getBigUint64(8)) : small === 0 ? size - at : small;
      if (boxSize < 8) throw new Fmp4Error(`${file}: a box of ${boxSize} bytes`);
      if (header.toString("latin1", 4, 8) === "moof") {
        const fragment = fragmentTiming(await readAt(handle, at, boxSize), init);
        start ??= fragment.start;
        duration += fragment.duration;
      }
      at += boxSize;
    }
    if (start === undefined) throw new Fmp4Error(`${file} holds no movie fragment`);
    return { start, duration };
  } finally {
    await handle.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
