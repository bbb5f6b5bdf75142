// The S3_* settings, shared by every long-running process that can keep media in a bucket (the
// worker on Node/Deno, the transcode node): one schema, one completeness rule, one error message.
import { z } from "zod";
import type { S3Options } from "./s3.ts";

export const S3EnvShape = {
  S3_ENDPOINT: z.url({ error: "must be the S3 endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com" }).optional(),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default("auto"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};

type S3Env = z.output<z.ZodObject<typeof S3EnvShape>>;

/** The bucket's options when S3_ENDPOINT is set (undefined otherwise); throws naming what is missing. */
export function s3OptionsFromEnv(env: S3Env): S3Options | undefined {
  if (!env.S3_ENDPOINT) return undefined;
  const missing = (["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const).filter((key) => !env[key]);
  if (missing.length) throw new Error(`S3_ENDPOINT is set, so ${missing.join(", ")} must be too`);
  return { endpoint: env.S3_ENDPOINT, bucket: env.S3_BUCKET!, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! };
}
