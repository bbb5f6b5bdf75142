// Public, edge-safe surface of @edgestream/contracts: nothing reachable from here imports `node:*`.
// Node-only drivers are subpath exports (`@edgestream/contracts/storage/fs`, …/s3, …/s3-env, …/r2).
export * from "./storage/driver.ts";
export * from "./storage/upload-keys.ts";
export * from "./storage/sidecar-keys.ts";
export * from "./package-layout.ts";
export * from "./package-meta.ts";
export * from "./track-role.ts";
export * from "./stream-response.ts";
export * from "./stream-token-param.ts";
export * from "./signed-path.ts";
export * from "./subtitle-playlist.ts";
export * from "./node-api.ts";
