// nginx mode for real: the worker signs each segment URI for nginx secure_link, and a real nginx
// validates those URLs and serves the files from the storage folder with sendfile.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertVideo } from "@edgestream/worker";
import { startNodeWorker, type RunningWorker } from "@edgestream/worker/node";
import { nginxSignedUrl } from "../../worker/src/signing/nginx-secure-link.ts";
import { secureLinkLocation, startNginx, type RunningNginx } from "../helpers/nginx.ts";
import { TEST_SECRETS, tempDataDir } from "../helpers/stack.ts";

const SECRET = "nginx-secret-for-tests";
let dir: string;
let nginx: RunningNginx;
let worker: RunningWorker;
let viewer: string;

const FILES: Record<string, string> = {
  "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv0/index.m3u8\n",
  "v0/index.m3u8": '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg_00000.m4s\n#EXTINF:4,\nseg_00001.m4s\n#EXT-X-ENDLIST\n',
  "v0/init.mp4": "INIT",
  "v0/seg_00000.m4s": "SEGMENT-0",
  "v0/seg_00001.m4s": "SEGMENT-1",
};

beforeAll(async () => {
  dir = await tempDataDir("nginx");
  const storage = join(dir, "storage");
  for (const [path, body] of Object.entries(FILES)) {
    await mkdir(dirname(join(storage, "pkg", path)), { recursive: true });
    await writeFile(join(storage, "pkg", path), body);
  }
  const { http, location } = secureLinkLocation(storage, SECRET);
  nginx = await startNginx(join(dir, "nginx"), location, http);
  worker = await startNodeWorker({
    ...TEST_SECRETS,
    DEMO_MODE: "1",
    EDGESTREAM_DATA_DIR: dir,
    PORT: "0",
    NGINX_SECURE_LINK_SECRET: SECRET,
    NGINX_MEDIA_URL: `${nginx.url}/media`,
  });
  await insertVideo(worker.deps.db, { id: "vid1", ownerId: "demo:n", title: "N", status: "ready", storagePrefix: "pkg" });
  const login = await fetch(`${worker.url}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name":"n"}' });
  viewer = ((await login.json()) as { token: string }).token;
});

afterAll(async () => {
  await worker?.close();
  await nginx?.close();
  await rm(dir, { recursive: true, force: true });
});

async function mediaPlaylist(): Promise<{ text: string; masterUrl: string }> {
  const stream = (await (await fetch(`${worker.url}/api/videos/vid1/stream`, { headers: { Authorization: `Bearer ${viewer}` } })).json()) as { manifestUrl: string };
  const masterUrl = new URL(stream.manifestUrl, worker.url).href;
  const master = await (await fetch(masterUrl)).text();
  const variant = master.split("\n").find((l) => l.startsWith("v0/"))!;
  return { text: await (await fetch(new URL(variant, masterUrl))).text(), masterUrl };
}

describe("nginx secure_link mode", () => {
  it("keeps playlists on the worker and points every segment at nginx, which serves the exact bytes", async () => {
    const { text, masterUrl } = await mediaPlaylist();
    expect(new URL(masterUrl).origin).toBe(worker.url);
    const uris = [...text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!).concat(text.split("\n").filter((l) => l && !l.startsWith("#")));
    expect(uris).toHaveLength(3);
    for (const uri of uris) {
      expect(uri.startsWith(`${nginx.url}/media/pkg/v0/`)).toBe(true);
      expect(uri).toMatch(/\?md5=[\w-]{22}&expires=\d+$/);
      // Valid for the default 6 h link lifetime, past the 1 h stream token: the playlist is fetched once.
      expect(Number(new URL(uri).searchParams.get("expires"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 6 * 3600 - 60);
      const response = await fetch(uri);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      const file = new URL(uri).pathname.replace("/media/", "");
      expect(await response.text()).toBe(await readFile(join(dir, "storage", file), "utf8"));
    }
  });

  it("gets 403 from nginx for a tampered URL and 410 for an expired one, no-store with CORS", async () => {
    const { text } = await mediaPlaylist();
    const segment = text.split("\n").find((l) => l.includes("seg_00000"))!;
    const tampered = segment.replace("seg_00000", "seg_00001");
    const forbidden = await fetch(tampered);
    expect([forbidden.status, forbidden.headers.get("cache-control"), forbidden.headers.get("access-control-allow-origin")]).toEqual([403, "no-store", "*"]);
    const expired = nginxSignedUrl(`${nginx.url}/media`, "pkg/v0/seg_00000.m4s", Math.floor(Date.now() / 1000) - 60, SECRET);
    const gone = await fetch(expired);
    expect([gone.status, gone.headers.get("cache-control"), gone.headers.get("access-control-allow-origin")]).toEqual([410, "no-store", "*"]);
    const wrongSecret = nginxSignedUrl(`${nginx.url}/media`, "pkg/v0/seg_00000.m4s", Math.floor(Date.now() / 1000) + 60, "another-secret");
    expect((await fetch(wrongSecret)).status).toBe(403);
  });
});
