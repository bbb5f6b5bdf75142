// A demo viewer talking to a running worker from Node: sign in by name, upload a file.
import { readFile } from "node:fs/promises";

export async function demoSignIn(workerUrl: string, name: string): Promise<string> {
  const login = await fetch(`${workerUrl}/api/auth/demo-login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
  return ((await login.json()) as { token: string }).token;
}

/** Uploads `path` as a public video; answers its id. */
export async function uploadFile(workerUrl: string, token: string, path: string, title: string, contentType: string): Promise<string> {
  const upload = await fetch(`${workerUrl}/api/videos?${new URLSearchParams({ title, visibility: "public" })}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": contentType },
    body: await readFile(path),
  });
  if (upload.status !== 201) throw new Error(`upload answered HTTP ${upload.status}: ${await upload.text()}`);
  return ((await upload.json()) as { id: string }).id;
}
