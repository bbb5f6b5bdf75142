import { describe, expect, it } from "vitest";
import { pathTokenOf, tokenOf, tokenPath, withToken } from "./signed-path.ts";

const TOKEN = "k1.1800000000.vid1.pkg..bWFj";

describe("signed paths", () => {
  it("reads the token of either form, and none from an unsigned or other path", () => {
    expect(tokenOf(new URL(`https://w.example${tokenPath(TOKEN, "v0/seg one.m4s")}`))).toBe(TOKEN);
    expect(tokenOf(new URL(`https://w.example/hls/vid1/master.m3u8?sig=${TOKEN}`))).toBe(TOKEN);
    expect(tokenOf(new URL("https://w.example/hls/vid1/master.m3u8"))).toBeUndefined();
    expect(pathTokenOf("/hls/vid1/master.m3u8")).toBeUndefined();
    expect(pathTokenOf("/other/a.b/master.m3u8")).toBeUndefined();
    expect(pathTokenOf(`/hls/${TOKEN}`)).toBeUndefined(); // a token with no file after it names nothing
  });

  it("puts a new token where the old one was, keeping the file, its encoding, the query and fragment", () => {
    const path = new URL(`https://w.example/hls/${TOKEN}/v0/seg%20one.m4s?_HLS_msn=3#t`);
    expect(withToken(path, "NEW.1.vid1.pkg..x").href).toBe("https://w.example/hls/NEW.1.vid1.pkg..x/v0/seg%20one.m4s?_HLS_msn=3#t");
    const query = new URL(`https://w.example/hls/vid1/v0/index.m3u8?_HLS_msn=3&sig=${TOKEN}`);
    expect(withToken(query, "NEW").href).toBe("https://w.example/hls/vid1/v0/index.m3u8?_HLS_msn=3&sig=NEW");
    expect(withToken(new URL("https://w.example/hls/vid1/seg.m4s"), "NEW").href).toBe("https://w.example/hls/vid1/seg.m4s");
  });
});
