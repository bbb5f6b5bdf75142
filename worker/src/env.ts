// Types shared by the app and its routes: the dependencies a runtime entry provides, and Hono's Env.
import type { AppConfig } from "./config.ts";
import type { Database } from "./db/database.ts";
import type { TranscodeNode } from "./db/schema.ts";
import type { Keyring } from "./signing/keyring.ts";
import type { StorageDriver } from "@edgestream/contracts";
import type { TranscodeClient } from "./transcode/node-client.ts";

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
  /** Unix seconds; injectable so tests can move time. */
  now?: () => number;
}

export type AppEnv = {
  /** `node` is set on /api/nodes/* routes after the node's credential was checked (fleet/node-auth.ts). */
  Variables: { viewer: Viewer; node: TranscodeNode };
};
