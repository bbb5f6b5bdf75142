// A real nginx for tests and benchmarks: started in the foreground from a generated config in a temp
// folder, on a free loopback port, stopped (and waited for) on close.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";

export const NGINX_PATH = process.env["NGINX_PATH"] ?? "/usr/sbin/nginx";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNginx {
  url: string;
  /** The master process (its workers are its children). */
  pid: number;
  close(): Promise<void>;
}

/** `locations` is the body of the server block (location directives). */
export async function startNginx(dir: string, locations: string, httpExtra = ""): Promise<RunningNginx> {
  if (!existsSync(NGINX_PATH)) throw new Error(`nginx not found at ${NGINX_PATH}: apt-get install -y nginx, or set NGINX_PATH`);
  const port = await freePort();
  await mkdir(join(dir, "logs"), { recursive: true });
  const conf = `
daemon off;
master_process off;
worker_processes 1;
error_log ${dir}/logs/error.log warn;
pid ${dir}/nginx.pid;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; video/mp4 mp4; text/vtt vtt; image/jpeg jpg; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  ${httpExtra}
  server {
    listen 127.0.0.1:${port};
    ${locations}
  }
}`;
  await writeFile(join(dir, "nginx.conf"), conf);
  const child: ChildProcess = spawn(NGINX_PATH, ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await fetch(`${url}/`).then(() => true, () => false);
    if (up) break;
    if (i > 100) throw new Error(`nginx did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGQUIT");
      await exited;
    },
  };
}

/** The nginx location an operator adds to serve EdgeStream media with secure_link (see README). */
export function secureLinkLocation(storageDir: string, secret: string): { http: string; location: string } {
  return {
    http: `map $secure_link $edgestream_cache { "" "no-store"; "0" "no-store"; default "public, max-age=31536000, immutable"; }`,
    location: `
    location /media/ {
      secure_link $arg_md5,$arg_expires;
      secure_link_md5 "$secure_link_expires$uri ${secret}";
      add_header Cache-Control $edgestream_cache always;
      add_header Access-Control-Allow-Origin * always;
      if ($secure_link = "") { return 403; }
      if ($secure_link = "0") { return 410; }
      alias ${storageDir}/;
    }`,
  };
}
