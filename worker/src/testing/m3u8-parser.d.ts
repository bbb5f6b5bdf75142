// m3u8-parser ships no types; the part the rewriter's property tests use.
declare module "m3u8-parser" {
  export class Parser {
    push(chunk: string): void;
    end(): void;
    manifest: {
      segments?: { uri: string; duration: number; map?: { uri: string }; key?: { uri?: string } }[];
      playlists?: { uri: string; attributes: Record<string, unknown> }[];
      mediaGroups?: Record<string, Record<string, Record<string, { uri?: string }>>>;
      iFramePlaylists?: { uri: string }[];
    };
  }
}
