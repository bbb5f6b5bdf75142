// The tus datastore's own owner check (defence in depth behind the route's): a request in flight
// for one viewer never reads, writes or removes another viewer's upload, whatever id reaches it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Upload } from "@tus/utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFsStorage } from "@edgestream/contracts/storage/fs";
import type { StorageDriver } from "@edgestream/contracts";
import { newVideoId } from "../db/ids.ts";
import { OWNER_METADATA_KEY, StorageDataStore } from "./tus-storage-store.ts";
import { readUploadInfo } from "./upload-info.ts";

let dir: string;
let storage: StorageDriver;
let viewer: string | undefined;
let store: StorageDataStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edgestream-tus-store-"));
  storage = createFsStorage(dir);
  store = new StorageDataStore(storage, 60_000, () => 0, async () => 0, () => viewer);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("StorageDataStore", () => {
  it("answers 404 to every step on an upload the viewer in flight did not create", async () => {
    const id = newVideoId();
    viewer = "alice";
    await store.create(new Upload({ id, size: 10, offset: 0, metadata: { [OWNER_METADATA_KEY]: "alice" } }));
    expect(await store.write(Readable.from([Buffer.from("alice")]), id, 0)).toBe(5);

    viewer = "bob";
    const notFound = { status_code: 404 };
    await expect(store.getUpload(id)).rejects.toMatchObject(notFound);
    await expect(store.write(Readable.from([Buffer.from("bobby")]), id, 5)).rejects.toMatchObject(notFound);
    await expect(store.remove(id)).rejects.toMatchObject(notFound);
    viewer = undefined;
    await expect(store.getUpload(id)).rejects.toMatchObject(notFound);

    viewer = "alice";
    expect((await store.getUpload(id)).offset).toBe(5);
    expect(await readUploadInfo(storage, id)).toMatchObject({ owner: "alice", size: 10 });
  });
});
