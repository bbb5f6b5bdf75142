// Public surface of @edgestream/worker. Runtime entries live in runtime/.
export { createApp, type App } from "./app.ts";
export { createViewerAuth, type ViewerAuth } from "./auth/viewer-jwt.ts";
export { ConfigError, ConfigSchema, parseConfig, type AppConfig, type ConfigInput } from "./config.ts";
export type { AppDeps, Viewer } from "./env.ts";
export type { Analytics } from "./routes/analytics-schemas.ts";
export { HttpError } from "./errors.ts";
export { rewritePlaylist, signUri, URI_ATTRIBUTE_TAGS, type RewriteOptions } from "./manifest/rewriter.ts";
export { createKeyring, parseSigningKeys, type Keyring } from "./signing/keyring.ts";
export { signStreamToken, verifyStreamToken, streamScope, type StreamClaims, type StreamGrant } from "./signing/stream-token.ts";
export type { Database } from "./db/database.ts";
export * as schema from "./db/schema.ts";
export { newVideoId } from "./db/ids.ts";
export { insertVideo, findVideoBySource, findVisibleVideo, listVisibleVideos, updateVideo } from "./db/videos.ts";
export type { StorageDriver, StoredObject, RangeRequest } from "@edgestream/contracts";
