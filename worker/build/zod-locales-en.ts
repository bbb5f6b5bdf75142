// Bundled in place of zod's `locales/index.js` for Cloudflare (wrangler.toml `[alias]`): zod's `z`
// namespace re-exports every locale (364 KiB, some 60 languages) and @hono/zod-openapi passes `z` as a
// value, so no bundler can shake them out. The worker speaks English, which zod registers from
// `locales/en.js` by itself; `z.locales` keeps `en`. Node and Deno do not bundle and keep them all.
export { default as en } from "zod/v4/locales/en.js";
