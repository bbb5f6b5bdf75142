// The Cloudflare entry with its R2 binding seen through a counter, bundled by wrangler for
// segment-cache-workerd.test.ts: every get() that reaches R2 is counted per key (`GET /__test/r2-gets`),
// and `POST /__test/fail-r2-gets?key=…&count=…` makes the next gets of a key throw as a failing R2 would.
import entry, { type CloudflareEnv } from "../../worker/src/runtime/cloudflare.ts";
import type { R2BucketLike } from "@edgestream/contracts/storage/r2";

const gets = new Map<string, number>();
const failures = new Map<string, number>();
// One counted env per real env, so the entry keeps one app (and one segment cache) per isolate.
const counted = new WeakMap<object, CloudflareEnv>();

function countingBucket<Bucket extends R2BucketLike>(bucket: Bucket): Bucket {
  return new Proxy(bucket, {
    get(target, property) {
      if (property === "get") {
        return async (key: string, options?: Parameters<R2BucketLike["get"]>[1]) => {
          gets.set(key, (gets.get(key) ?? 0) + 1);
          const failing = failures.get(key) ?? 0;
          if (failing > 0) {
            failures.set(key, failing - 1);
            await new Promise((resolve) => setTimeout(resolve, 10)); // a failing backend answers later
            throw new Error(`injected R2 failure reading ${key}`);
          }
          return target.get(key, options);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export default {
  async fetch(request: Request, env: CloudflareEnv, ctx: unknown): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/__test/r2-gets") return Response.json(Object.fromEntries(gets));
    if (url.pathname === "/__test/fail-r2-gets") {
      failures.set(url.searchParams.get("key")!, Number(url.searchParams.get("count")));
      return new Response(null, { status: 204 });
    }
    let wrapped = counted.get(env);
    if (!wrapped) counted.set(env, (wrapped = { ...env, MEDIA: countingBucket(env.MEDIA) }));
    return entry.fetch(request, wrapped, ctx as Parameters<typeof entry.fetch>[2]);
  },
};
