// Signs the image URIs of a WebVTT thumbnail track (cue payloads like `sprite_0.jpg#xywh=0,0,160,90`),
// leaving the header, cue identifiers, timings, notes and every other byte untouched.
import { signUri, type RewriteOptions } from "./rewriter.ts";

export function rewriteThumbnailTrack(text: string, options: RewriteOptions): string {
  const parts = text.split(/(\r\n|\n|\r)/); // keeps the separators at odd indexes
  let inPayload = false;
  for (let i = 0; i < parts.length; i += 2) {
    const line = parts[i]!;
    if (line.trim() === "") inPayload = false;
    else if (line.includes("-->")) inPayload = true;
    else if (inPayload) {
      const lead = line.length - line.trimStart().length;
      const core = line.trim();
      parts[i] = line.slice(0, lead) + signUri(core, options) + line.slice(lead + core.length);
    }
  }
  return parts.join("");
}
