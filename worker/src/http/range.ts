// Parses a single-range `Range: bytes=…` header (RFC 9110 §14.1.2) into the storage driver's form.
// Multiple ranges are answered with the whole body, as the RFC allows; players never ask for them.
import type { RangeRequest } from "@edgestream/contracts";

export function parseRangeHeader(header: string | undefined | null): RangeRequest | undefined | "invalid" {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return header.includes(",") ? undefined : "invalid";
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "" && last === "") return "invalid";
  if (first === "") return Number(last) === 0 ? "invalid" : { suffix: Number(last) };
  const offset = Number(first);
  if (last === "") return { offset };
  const end = Number(last);
  if (end < offset) return "invalid";
  return { offset, length: end - offset + 1 };
}

/** The `Range: bytes=…` header that asks for a driver's range (the inverse of parseRangeHeader). */
export function formatRangeHeader(range: RangeRequest): string {
  if ("suffix" in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.offset}-${range.length === undefined ? "" : range.offset + range.length - 1}`;
}
