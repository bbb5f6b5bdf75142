// The query parameter that carries the stream token on every /hls URL: the worker signs and checks
// it, the player SDK re-signs URLs with it. No zod here, so the SDK can import it (subpath
// `@edgestream/contracts/stream-token-param`) without pulling a schema library into its bundle.
export const STREAM_TOKEN_PARAM = "sig";
