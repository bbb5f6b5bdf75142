// nginx `secure_link` compatible URLs, so an operator can serve segments straight from nginx with
// sendfile. The matching nginx configuration:
//   secure_link $arg_md5,$arg_expires;
//   secure_link_md5 "$secure_link_expires$uri <secret>";
// md5 is base64url(MD5(expires + path + " " + secret)), unpadded, exactly as nginx computes it.
// MD5 comes from @noble/hashes: Web Crypto has no MD5, and this code runs on every runtime.
import { md5 } from "@noble/hashes/legacy.js";
import { encodeBase64Url } from "./base64url.ts";

const encoder = new TextEncoder();

export function nginxSecureLinkHash(path: string, expires: number, secret: string): string {
  return encodeBase64Url(md5(encoder.encode(`${expires}${path} ${secret}`)));
}

/** `base` is where nginx serves the storage root, e.g. "https://media.example/media" or "/media". */
export function nginxSignedUrl(base: string, storageKey: string, expires: number, secret: string): string {
  const url = `${base.replace(/\/+$/, "")}/${storageKey}`;
  const path = url.startsWith("/") ? url : new URL(url).pathname;
  return `${url}?md5=${nginxSecureLinkHash(path, expires, secret)}&expires=${expires}`;
}
