// Types shared by the app and its routes: the dependencies a runtime entry provides, and Hono's Env.
import type { Background } from "./background.ts";
import type { AppConfig } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { TranscodeNode } from "./db/schema.ts";
import type { Keyring } from "./signing/keyring.ts";
import type { StorageDriver } from "@edgestream/contracts";
import type { TranscodeClient } from "./transcode/node-client.ts";
import type { ResumableUploadsFactory } from "./uploads/resumable.ts";

export interface Viewer {
  id: string;
  name?: string;
  /** From the JWT's `roles` claim; "admin" may register media already in storage. */
  roles: string[];
}

export interface AppDeps {
  config: AppConfig;
  keyring: Keyring;
  db: Database;
  storage: StorageDriver;
  /** The transcode node that packages uploads; without one, uploads stay pending. */
  transcoder?: TranscodeClient;
  /** tus uploads under /api/uploads/tus, where the runtime can speak the protocol (Node, Deno). */
  resumableUploads?: ResumableUploadsFactory;
  /** Unix seconds; injectable so tests can move time. */
  now?: () => number;
  /** Where work a request does not wait for runs (webhook first attempts); without it, the request waits. */
  background?: Background;
}

export type AppEnv = {
  /** `node` is set on /api/nodes/* routes after the node's credential was checked (fleet/node-auth.ts). */
  Variables: { viewer: Viewer; node: TranscodeNode };
};
