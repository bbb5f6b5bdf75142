// The top-level boxes of an MP4 file in order, read from its bytes: a faststart file has moov before mdat.
import { open } from "node:fs/promises";

export async function topLevelBoxes(path: string): Promise<string[]> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const types: string[] = [];
    const header = Buffer.alloc(16);
    for (let at = 0; at + 8 <= size; ) {
      await file.read(header, 0, 16, at);
      const short = header.readUInt32BE(0);
      const length = short === 1 ? Number(header.readBigUInt64BE(8)) : short === 0 ? size - at : short;
      if (length < 8) throw new Error(`${path}: box at ${at} claims ${length} bytes`);
      types.push(header.toString("latin1", 4, 8));
      at += length;
    }
    return types;
  } finally {
    await file.close();
  }
}
