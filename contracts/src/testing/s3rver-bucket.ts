// A real S3-compatible server (s3rver) on loopback with one empty bucket, in its own temp folder,
// for tests of the S3 driver and of what runs on top of it.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Options } from "../storage/s3.ts";

export interface S3rverBucket {
  /** Driver options for the bucket, at the 5 MiB minimum part size so multipart uploads stay small. */
  options: S3Options;
  close(): Promise<void>;
}

export async function startS3rverBucket(label: string): Promise<S3rverBucket> {
  const dir = await mkdtemp(join(tmpdir(), `edgestream-${label}-`));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "media", configs: [] }] });
  const address = (await server.run()) as AddressInfo;
  return {
    options: {
      endpoint: `http://127.0.0.1:${address.port}`,
      bucket: "media",
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      partSize: 5 * 1024 * 1024,
    },
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
