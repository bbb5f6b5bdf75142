// Small helpers for route definitions: JSON responses and the shared error responses.
import type { z } from "@hono/zod-openapi";
import { ErrorSchema } from "./schemas.ts";

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

export const errorResponses = {
  400: jsonContent(ErrorSchema, "invalid input: the message names the field"),
  401: jsonContent(ErrorSchema, "missing, invalid or expired viewer token"),
  404: jsonContent(ErrorSchema, "no such video, or not yours to see"),
  413: jsonContent(ErrorSchema, "the body is over this route's cap (8 KiB; 256 KiB for event batches): it was not read further"),
} as const;

export const bearer = [{ bearer: [] }];
