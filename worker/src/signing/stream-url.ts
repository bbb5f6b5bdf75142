// Signed URLs for a video's files: one token per playback, carried in one query parameter (query
// form) or as the first folder of the path (path form, contracts/signed-path.ts). Every place that
// writes a signed URL takes the parameter and the path from here.
import type { Keyring } from "./keyring.ts";
import { signStreamToken, streamScope, type StreamGrant } from "./stream-token.ts";

/** The query parameter that carries the stream token. */
import { STREAM_TOKEN_PARAM, tokenPath } from "@edgestream/contracts";

export { STREAM_TOKEN_PARAM };

/** The path of a file of a video under the signed root. */
export function hlsFilePath(vid: string, file: string): string {
  return `${streamScope(vid)}${file}`;
}

export interface SignedFiles {
  token: string;
  /** The signed URL of a file below the video's scope (e.g. "master.m3u8", "poster.jpg"), query form. */
  url(file: string): string;
  /** The same file in the path form, `/hls/<token>/<file>`: relative URIs resolved against it keep the token. */
  pathUrl(file: string): string;
}

/** Signs one token for a grant and builds the URLs of the video's files with it. */
export async function signFiles(keyring: Keyring, grant: StreamGrant): Promise<SignedFiles> {
  const token = await signStreamToken(keyring, grant);
  return { token, url: (file) => `${hlsFilePath(grant.vid, file)}?${STREAM_TOKEN_PARAM}=${token}`, pathUrl: (file) => tokenPath(token, file) };
}
