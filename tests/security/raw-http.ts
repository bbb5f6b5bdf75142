// A raw HTTP/1.1 client on a net socket, for what fetch will not send (raw bytes in a path, a body
// that never ends) and for counting what the server read from the connection.
import type { Server } from "node:http";
import { connect, type Socket } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the head and (Content-Length) body of the first answer in `text`; status 0 when none arrived. */
export function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return { status: 0, headers: {}, body: "" };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
  return { status: Number(statusLine!.split(" ")[1]), headers, body: text.slice(end + 4) };
}

/** Counts the bytes the server read from the connections it accepted. */
export function countServerReads(server: Server): { lastClosed(): Promise<number> } {
  const sockets: Socket[] = [];
  server.on("connection", (socket: Socket) => sockets.push(socket));
  return {
    /** What the server read from its latest connection, once that connection is closed. */
    lastClosed: async () => {
      const socket = sockets.at(-1)!;
      if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
      return socket.bytesRead;
    },
  };
}

/** Sends one request (head as raw bytes) and waits for the answer and the connection to close. */
export async function rawRequest(url: string, head: Buffer | string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const received: Buffer[] = [];
  socket.on("data", (chunk) => received.push(chunk));
  socket.on("error", () => {});
  socket.write(head);
  await new Promise<void>((resolve) => {
    socket.on("close", () => resolve());
    // A keep-alive answer leaves the connection open: close once the whole body is in.
    socket.on("data", () => {
      const answer = parseAnswer(Buffer.concat(received).toString("latin1"));
      if (answer.status && Buffer.byteLength(answer.body, "latin1") >= Number(answer.headers["content-length"] ?? Infinity)) socket.end();
    });
  });
  return parseAnswer(Buffer.concat(received).toString("utf8"));
}

export interface FloodResult extends RawAnswer {
  /** Body bytes the client handed to its socket before the connection closed. */
  written: number;
  /** Bytes of the request head. */
  headBytes: number;
}

export interface Flood {
  method: string;
  path: string;
  headers: string[];
  /** Chunked framing, or raw under a declared Content-Length of `maxBytes`. */
  chunked: boolean;
  maxBytes: number;
}

/**
 * Sends a request head, then body bytes in 16 KiB pieces until the server closes the connection or
 * the whole body went out, answer or not; then waits for the answer and closes.
 */
export async function floodBody(url: string, options: Flood): Promise<FloodResult> {
  const framing = options.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${options.maxBytes}`;
  const head = [`${options.method} ${options.path} HTTP/1.1`, "Host: 127.0.0.1", ...options.headers, framing, "", ""].join("\r\n");
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const received: Buffer[] = [];
  let stopped = false;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  // A hostile client: it does not stop at the answer, only when the server closes the connection.
  socket.on("data", (chunk) => received.push(chunk));
  socket.on("error", () => (stopped = true));
  closed.then(() => (stopped = true));
  socket.write(head);
  const piece = Buffer.alloc(16 * 1024, 0x20);
  const framed = options.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]) : piece;
  let written = 0;
  while (!stopped && written < options.maxBytes) {
    const flushed = socket.write(framed);
    written += piece.length;
    // Wait for the kernel to take more, or for the server to answer or close.
    if (!flushed) await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
    else await new Promise((r) => setImmediate(r));
  }
  // The whole body went out (the last chunk ends a chunked one): the server must answer now.
  if (!stopped && options.chunked) socket.write("0\r\n\r\n");
  if (!received.length) await Promise.race([closed, new Promise((r) => socket.once("data", r))]);
  socket.destroy();
  await closed;
  return { ...parseAnswer(Buffer.concat(received).toString("utf8")), written, headBytes: Buffer.byteLength(head) };
}
