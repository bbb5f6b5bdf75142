// The box reader on hand-built boxes, for the layouts ffmpeg does not write for us today: 64-bit
// tfdt, durations from tfhd or from the init's trex instead of per sample, several truns, and
// broken input. (Real ffmpeg output is read in write-manifest.test.ts.)
import { describe, expect, it } from "vitest";
import { Fmp4Error, fragmentTiming, initTiming } from "./fmp4-timing.ts";

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  let at = 8;
  for (const p of payload) out.set(p, (at += p.length) - p.length);
  return out;
}

/** Big-endian fields: a number is 4 bytes, a bigint 8. */
function fields(...values: (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.reduce<number>((n, v) => n + (typeof v === "bigint" ? 8 : 4), 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const v of values) {
    if (typeof v === "bigint") view.setBigUint64(at, v), (at += 8);
    else view.setUint32(at, v), (at += 4);
  }
  return out;
}

const fullBox = (version: number, flags: number) => (version << 24) | flags;

function init(timescale: number, options: { version1?: boolean; trexDuration?: number } = {}): Uint8Array {
  const mdhd = options.version1 ? box("mdhd", fields(fullBox(1, 0), 0n, 0n, timescale, 0n, 0)) : box("mdhd", fields(fullBox(0, 0), 0, 0, timescale, 0, 0));
  const trex = options.trexDuration === undefined ? [] : [box("mvex", box("trex", fields(fullBox(0, 0), 1, 1, options.trexDuration, 0, 0)))];
  return box("moov", box("trak", box("mdia", mdhd)), ...trex);
}

describe("initTiming", () => {
  it("reads the mdhd timescale of either version, and the trex default duration", () => {
    expect(initTiming(init(12800))).toEqual({ timescale: 12800, defaultSampleDuration: 0 });
    expect(initTiming(init(48000, { version1: true, trexDuration: 1024 }))).toEqual({ timescale: 48000, defaultSampleDuration: 1024 });
  });

  it("names what is missing", () => {
    expect(() => initTiming(box("moov", box("trak")))).toThrow(Fmp4Error);
    expect(() => initTiming(init(0))).toThrow(/timescale is 0/);
  });
});

describe("fragmentTiming", () => {
  const timing = { timescale: 90000, defaultSampleDuration: 3000 };

  it("adds per-sample durations across truns, after a data offset and first-sample flags", () => {
    const trunA = box("trun", fields(fullBox(0, 0x001 | 0x004 | 0x100 | 0x200), 2, 100, 0, 3600, 10, 3000, 20));
    const trunB = box("trun", fields(fullBox(0, 0x100 | 0x800), 1, 2400, 0));
    const moof = box("moof", box("mfhd", fields(0, 1)), box("traf", box("tfhd", fields(fullBox(0, 0), 1)), box("tfdt", fields(fullBox(0, 0), 180000)), trunA, trunB));
    expect(fragmentTiming(moof, timing)).toEqual({ start: 180000, duration: 9000 });
  });

  it("takes a 64-bit tfdt and the tfhd default duration (after a base data offset and description index)", () => {
    const tfhd = box("tfhd", fields(fullBox(0, 0x01 | 0x02 | 0x08), 1, 0n, 1, 1001));
    const moof = box("moof", box("traf", tfhd, box("tfdt", fields(fullBox(1, 0), 2n ** 33n)), box("trun", fields(fullBox(0, 0), 30))));
    expect(fragmentTiming(moof, timing)).toEqual({ start: 2 ** 33, duration: 30030 });
  });

  it("falls back to the init's trex default when the fragment names no duration", () => {
    const moof = box("moof", box("traf", box("tfhd", fields(fullBox(0, 0), 1)), box("tfdt", fields(fullBox(0, 0), 0)), box("trun", fields(fullBox(0, 0), 4))));
    expect(fragmentTiming(moof, timing)).toEqual({ start: 0, duration: 12000 });
  });

  it("refuses a fragment without tfdt, a trun shorter than its count, a box past its parent, and samples without duration", () => {
    const noTfdt = box("moof", box("traf", box("trun", fields(fullBox(0, 0), 1))));
    expect(() => fragmentTiming(noTfdt, timing)).toThrow(/tfdt/);
    const short = box("moof", box("traf", box("tfdt", fields(fullBox(0, 0), 0)), box("trun", fields(fullBox(0, 0x100), 5, 3000))));
    expect(() => fragmentTiming(short, timing)).toThrow(/shorter than its sample count/);
    const overrun = box("moof", box("traf", box("tfdt", fields(fullBox(0, 0), 0))));
    new DataView(overrun.buffer).setUint32(8, 4096); // traf claims more bytes than moof holds
    expect(() => fragmentTiming(overrun, timing)).toThrow(/runs past its parent/);
    const silent = box("moof", box("traf", box("tfdt", fields(fullBox(0, 0), 0)), box("trun", fields(fullBox(0, 0), 3))));
    expect(() => fragmentTiming(silent, { timescale: 90000, defaultSampleDuration: 0 })).toThrow(/no duration/);
  });
});
