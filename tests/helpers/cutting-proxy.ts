// A TCP proxy on loopback that counts the bytes clients send through it and, once armed, cuts the
// connection that carries byte number N: the bytes before it reach the server, then the server
// sees the client go (FIN) and the client sees its connection die (reset). A dropped upload.
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface CuttingProxy {
  url: string;
  /** Bytes clients have sent through the proxy (requests, headers and bodies). */
  readonly sent: number;
  /** Cuts the connection that is carrying the byte `after` bytes from now. */
  cutAfter(after: number): void;
  /** Resolves when the cut has happened. */
  readonly cut: Promise<void>;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: string): Promise<CuttingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let sent = 0;
  let cutAt = Infinity;
  let markCut!: () => void;
  const cut = new Promise<void>((resolve) => (markCut = resolve));

  const server = createServer((client) => {
    const server = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.on("data", (data: Buffer) => {
      if (sent + data.byteLength < cutAt) {
        sent += data.byteLength;
        server.write(data);
        return;
      }
      const keep = cutAt - sent;
      sent += keep;
      cutAt = Infinity;
      server.end(data.subarray(0, keep)); // what came before the cut reaches the server, then the client is gone
      client.destroy();
      markCut();
    });
    server.on("data", (data: Buffer) => client.write(data));
    client.on("end", () => server.end());
    server.on("end", () => client.end());
    server.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get sent() {
      return sent;
    },
    cutAfter(after) {
      cutAt = sent + after;
    },
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
