// The demo's sample cache (demo/sample-video.ts) outlives runs and code changes: a package cached by
// an older packager must not be served as if the current one had made it (a version-2 meta.json has
// no relativeUris, so the sample played in the query form after the path form landed).
import { mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASH_MANIFEST, META_FILE, PACKAGE_META_VERSION } from "@edgestream/contracts";
import { ensureSampleVideo, patternSample } from "../../demo/sample-video.ts";
import { openLibsqlDatabase, type LibsqlDatabase } from "../../worker/src/db/libsql.ts";
import { tempDataDir } from "../helpers/stack.ts";

const MIGRATIONS = join(import.meta.dirname, "../../worker/drizzle");

describe("demo sample cache", () => {
  let dir: string;
  let database: LibsqlDatabase;
  const previousCache = process.env["EDGESTREAM_SAMPLE_CACHE"];

  beforeAll(async () => {
    dir = await tempDataDir("sample-cache");
    process.env["EDGESTREAM_SAMPLE_CACHE"] = join(dir, "cache");
    database = await openLibsqlDatabase(`file:${join(dir, "db.sqlite")}`);
    await database.migrate(MIGRATIONS);
  });
  afterAll(async () => {
    await database?.close();
    if (previousCache === undefined) delete process.env["EDGESTREAM_SAMPLE_CACHE"];
    else process.env["EDGESTREAM_SAMPLE_CACHE"] = previousCache;
    await rm(dir, { recursive: true, force: true });
  });

  it("packages again when the cached package's meta.json is of an older version", async () => {
    const spec = patternSample(2);
    const storage = (n: number) => ({ dataDir: dir, storageDir: join(dir, `media-${n}`) });
    await ensureSampleVideo(database.db, storage(1), { spec });
    const cache = join(dir, "cache");
    const [packaged] = (await readdir(cache, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    const metaPath = join(cache, packaged!.name, META_FILE);
    // What an older packager left: the same package, recorded as version 2 without relativeUris.
    const { relativeUris: _dropped, ...older } = JSON.parse(await readFile(metaPath, "utf8"));
    await writeFile(metaPath, JSON.stringify({ ...older, version: 2 }));

    await mkdir(storage(2).storageDir, { recursive: true });
    await ensureSampleVideo(database.db, storage(2), { spec });
    const [prefix] = await readdir(storage(2).storageDir);
    const stored = JSON.parse(await readFile(join(storage(2).storageDir, prefix!, META_FILE), "utf8"));
    expect(stored.version).toBe(PACKAGE_META_VERSION);
    expect(stored.relativeUris).toBe(true);
  });

  it("packages again when a current-version fMP4 package was made before DASH manifests", async () => {
    const spec = patternSample(2);
    const cache = join(dir, "cache");
    await ensureSampleVideo(database.db, { dataDir: dir, storageDir: join(dir, "media-a") }, { spec });
    const [packaged] = (await readdir(cache, { withFileTypes: true })).filter((entry) => entry.isDirectory());
    const metaPath = join(cache, packaged!.name, META_FILE);
    // What the packager wrote at this meta version before it wrote an MPD: no dash entry, no file.
    const { dash: _dropped, ...older } = JSON.parse(await readFile(metaPath, "utf8"));
    await writeFile(metaPath, JSON.stringify(older));
    await rm(join(cache, packaged!.name, DASH_MANIFEST));

    const storageDir = join(dir, "media-b");
    await mkdir(storageDir, { recursive: true });
    await ensureSampleVideo(database.db, { dataDir: dir, storageDir }, { spec });
    const [prefix] = await readdir(storageDir);
    const stored = JSON.parse(await readFile(join(storageDir, prefix!, META_FILE), "utf8"));
    expect(stored.dash).toBe(DASH_MANIFEST);
    expect((await stat(join(storageDir, prefix!, DASH_MANIFEST))).isFile()).toBe(true);
  });
});
