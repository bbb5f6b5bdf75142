// A webhook receiver as a site would write one, on loopback: it verifies the raw body with the
// receivers' helper, records what it accepted and refused, and answers 500 when told to.
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER, type WebhookPayload } from "@edgestream/contracts/webhook-signature";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  payload: WebhookPayload<{ video: { id: string; status: string }; error?: string }>;
  body: string;
  signature: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Bodies whose signature did not verify (answered 400). */
  refused: string[];
  /** The next `n` verified deliveries are answered 500. */
  failTimes(n: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const refused: string[] = [];
  let failNext = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] ?? "");
      if (!(await verifyWebhook(secret, body, signature))) {
        refused.push(body);
        response.writeHead(400).end("bad signature");
        return;
      }
      received.push({ payload: JSON.parse(body), body, signature });
      if (failNext > 0) {
        failNext--;
        response.writeHead(500).end("down for a moment");
      } else {
        response.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    refused,
    failTimes: (n) => (failNext = n),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
