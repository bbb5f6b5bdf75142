// Checks shared by the segment-cache tests of each runtime: many viewers fetching every segment of a
// package, and Range requests against one segment. Storage reads are counted by each test its own way.
import { expect } from "vitest";

/** A response body as bytes. */
export const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

/** The headers a cached answer must keep from storage's, as one comparable string. */
function segmentHeaders(response: Response): string {
  return ["etag", "content-length", "content-type", "cache-control", "accept-ranges"].map((h) => `${h}: ${response.headers.get(h)}`).join("\n");
}

/**
 * Every viewer (one URL builder each, so one token each) fetches every file in order, all viewers at
 * once; every answer must be 200 with the file's bytes. Each file's answers must all carry the same
 * headers, the ETag given and the file's length: the headers of the answer built from storage.
 */
export async function expectViewersServed(viewers: ((file: string) => string)[], files: [string, Buffer][], etagOf: (file: string) => Promise<string>): Promise<void> {
  const seen = new Map<string, Set<string>>();
  await Promise.all(
    viewers.map(async (urlOf) => {
      for (const [file, bytes] of files) {
        const response = await fetch(urlOf(file));
        expect(response.status).toBe(200);
        expect((await bytesOf(response)).equals(bytes)).toBe(true);
        seen.set(file, (seen.get(file) ?? new Set()).add(segmentHeaders(response)));
      }
    }),
  );
  for (const [file, bytes] of files) {
    const distinct = [...seen.get(file)!];
    expect(distinct).toEqual([distinct[0]]);
    expect(distinct[0]).toContain(`etag: ${await etagOf(file)}\ncontent-length: ${bytes.length}\n`);
  }
}

/** `requests` simultaneous fetches of one URL, every answer 200 with these bytes. */
export async function expectSimultaneousServed(url: string, bytes: Buffer, requests: number): Promise<void> {
  const responses = await Promise.all(Array.from({ length: requests }, () => fetch(url)));
  for (const response of responses) {
    expect(response.status).toBe(200);
    expect((await bytesOf(response)).equals(bytes)).toBe(true);
  }
}

/** Single ranges of every form (bounded, one byte, suffix, open, past the end) answer 206 with the right bytes; past the end, 416. */
export async function expectRangesServed(url: string, bytes: Buffer): Promise<void> {
  const size = bytes.length;
  const cases: [string, number, number][] = [
    ["bytes=100-199", 100, 199],
    ["bytes=0-0", 0, 0],
    ["bytes=-10", size - 10, size - 1],
    [`bytes=${size - 5}-`, size - 5, size - 1],
    [`bytes=10-${size + 1000}`, 10, size - 1],
  ];
  for (const [range, first, last] of cases) {
    const response = await fetch(url, { headers: { Range: range } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${first}-${last}/${size}`);
    expect(response.headers.get("content-length")).toBe(String(last - first + 1));
    expect((await bytesOf(response)).equals(bytes.subarray(first, last + 1))).toBe(true);
  }
  const past = await fetch(url, { headers: { Range: `bytes=${size}-` } });
  expect([past.status, past.headers.get("content-range")]).toEqual([416, `bytes */${size}`]);
  await past.body?.cancel();
}
