// The demo's sample, generated (never committed) and packaged once, then kept in a cache folder in
// the OS temp folder under a stable name, so restarts and test runs copy it instead of encoding
// again. The showcase (npm start, the library tests) is a 720p scene with motion on a
// 720/480/360 ladder with poster and thumbnails; `seconds` alone asks for the quick 360p test
// pattern other tests time themselves against.
import { randomUUID } from "node:crypto";
import { access, cp, mkdir, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { META_FILE, PACKAGE_META_VERSION, parsePackageMeta } from "@edgestream/contracts";
import { generateTestPattern, packageInto, sha256File } from "@edgestream/transcode-node";
import { findVideoBySource, insertVideo, newVideoId, type Database } from "@edgestream/worker";

export const SAMPLE_OWNER = "demo:demo";

export interface SampleSpec {
  seconds: number;
  width: number;
  height: number;
  ladder: number[];
  /** A scene with motion (gradients and a moving test card) rather than the plain test pattern. */
  motion: boolean;
  title: string;
  /** Two audio languages and subtitles (the showcase): what a player's Audio and Subtitles menus list. */
  tracks?: boolean;
}

/** The showcase's tracks: English and German audio (each a beep at its own pitch) and English and German subtitles. */
const SHOWCASE_TRACKS = {
  audioTracks: [
    { language: "eng", frequency: 440, title: "English" },
    { language: "deu", frequency: 660, title: "Deutsch" },
  ],
  subtitles: (["eng", "deu"] as const).map((language) => ({
    language,
    title: language === "eng" ? "English" : "Deutsch",
    cues: Array.from({ length: 8 }, (_, i) => ({ start: i * 3 + 0.5, end: i * 3 + 2.5, text: language === "eng" ? `Caption ${i + 1}: the colours drift` : `Untertitel ${i + 1}: die Farben ziehen` })),
  })),
};

export const SHOWCASE_SAMPLE: SampleSpec = { seconds: 24, width: 1280, height: 720, ladder: [720, 480, 360], motion: true, title: "Sample: colour drift", tracks: true };

export const patternSample = (seconds: number): SampleSpec => ({ seconds, width: 640, height: 360, ladder: [360], motion: false, title: `Sample: test pattern (${seconds} s)` });

/** Where generated samples and their packages are kept between runs (the test runner points it outside its per-run temp folder). */
export function sampleCacheDir(): string {
  return process.env["EDGESTREAM_SAMPLE_CACHE"] ?? join(tmpdir(), "edgestream-sample-cache");
}

const motionScene = (s: SampleSpec) =>
  `gradients=s=${s.width}x${s.height}:r=30:speed=0.015:c0=0x1e3a8a:c1=0x7c3aed:c2=0xdb2777:c3=0xf59e0b:n=4,format=yuv420p[bg];` +
  `testsrc2=s=${Math.round(s.width / 3.5 / 2) * 2}x${Math.round(s.height / 3.6 / 2) * 2}:r=30,format=yuv420p[fg];` +
  `[bg][fg]overlay=x='(W-w)/2+(W-w)/2.4*sin(t*0.9)':y='(H-h)/2+(H-h)/2.6*cos(t*0.7)'`;

/** Writes `make(temp)` to `path` once: concurrent makers each write their own temp, the first rename wins. */
async function once(path: string, make: (temp: string) => Promise<void>): Promise<void> {
  if (await exists(path)) return;
  const temp = `${path}.tmp-${randomUUID()}${extname(path)}`;
  try {
    await make(temp);
    await rename(temp, path).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(path))) throw error; // another maker's rename won: theirs is the same
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The packaged sample in the cache: its folder and content address. */
async function cachedSample(spec: SampleSpec, log: (line: string) => void): Promise<{ dir: string; sha256: string }> {
  const cache = sampleCacheDir();
  await mkdir(cache, { recursive: true });
  const name = `${spec.motion ? "scene" : "pattern"}-${spec.seconds}s-${spec.width}x${spec.height}${spec.tracks ? "-tracks" : ""}`;
  const source = join(cache, `${name}.mp4`);
  await once(source, async (temp) => {
    log(`generating a ${spec.seconds} s sample video with ffmpeg…`);
    await generateTestPattern(temp, { seconds: spec.seconds, width: spec.width, height: spec.height, ...(spec.motion ? { videoSource: motionScene(spec) } : {}), ...(spec.tracks ? SHOWCASE_TRACKS : {}) });
  });
  const sha256 = await sha256File(source);
  const dir = join(cache, `${name}-${spec.ladder.join("-")}-${sha256.slice(0, 16)}`);
  // The cache outlives code changes: a package an older packager made is made again.
  if (!(await isCurrentPackage(dir))) await rm(dir, { recursive: true, force: true });
  await once(dir, async (temp) => {
    log(`packaging it into HLS (${spec.ladder.map((h) => `${h}p`).join(", ")}, poster and thumbnails)…`);
    await packageInto(temp, { input: source, sha256, ladder: spec.ladder, thumbnails: { intervalSec: 2 } });
  });
  return { dir, sha256 };
}

/** Puts the sample's package into storage (from the cache) and registers it as a public video, once. */
export async function ensureSampleVideo(
  db: Database,
  dirs: { dataDir: string; storageDir: string },
  options: { spec?: SampleSpec; log?: (line: string) => void } = {},
): Promise<string> {
  const log = options.log ?? (() => {});
  const spec = options.spec ?? SHOWCASE_SAMPLE;
  const { dir, sha256 } = await cachedSample(spec, log);
  const stored = join(dirs.storageDir, sha256);
  await once(stored, (temp) => cp(dir, temp, { recursive: true }));
  const existing = await findVideoBySource(db, sha256);
  if (existing) return existing.id;
  const meta = parsePackageMeta(await readFile(join(stored, META_FILE), "utf8"), META_FILE);
  const video = await insertVideo(db, {
    id: newVideoId(),
    ownerId: SAMPLE_OWNER,
    title: spec.title,
    status: "ready",
    visibility: "public",
    sourceSha256: sha256,
    storagePrefix: sha256,
    durationMs: Math.round(meta.source.durationSec * 1000),
    posterPath: meta.thumbnails?.poster ?? null,
    thumbnailsPath: meta.thumbnails?.track ?? null,
    progress: 1,
  });
  return video.id;
}

async function isCurrentPackage(dir: string): Promise<boolean> {
  const text = await readFile(join(dir, META_FILE), "utf8").catch(() => null);
  if (text === null) return false;
  try {
    const meta = parsePackageMeta(text, META_FILE);
    // Same version, but made before the packager wrote DASH manifests: made again.
    return meta.version === PACKAGE_META_VERSION && (meta.segmentType !== "fmp4" || Boolean(meta.dash));
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
