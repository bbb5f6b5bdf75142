// Which hardware encoders really work on this box, found by a one-frame test encode each, cached;
// which are healthy right now (a failed job benches its backend for a cooldown); and how many
// encode sessions each may run at once (consumer NVENC allows only a few).
import { execFile } from "node:child_process";
import { buildTestEncodeArgs, ENCODER_OF, HW_BACKENDS, type Backend, type HwAccelPreference, type HwBackend, type HwDeviceOptions } from "./hw-backends.ts";

export interface EncoderCheck {
  backend: HwBackend;
  encoder: string;
  working: boolean;
  /** "ok", or the last line ffmpeg printed when the test encode failed. */
  detail: string;
  checkedAt: string;
}

export interface BackendChoice {
  backend: Backend;
  /** Set when the operator's choice could not be honoured. */
  warning?: string;
}

export type TestEncode = (backend: HwBackend) => Promise<{ ok: boolean; detail: string }>;

export interface HardwareRegistryOptions extends HwDeviceOptions {
  ffmpegPath?: string;
  /** How long a backend stays benched after a failed encode (default 10 minutes). */
  cooldownMs?: number;
  /** Concurrent encode sessions per backend; software is limited only by the job queue. */
  sessionCaps?: Partial<Record<HwBackend, number>>;
  /** Which backends to test in "auto" (default all four). */
  candidates?: readonly HwBackend[];
  /** Replaces the real test encode. Only tests use it, to stand in for a GPU this machine lacks. */
  testEncode?: TestEncode;
  now?: () => number;
}

export const DEFAULT_SESSION_CAPS: Record<HwBackend, number> = { nvenc: 3, qsv: 4, vaapi: 4, videotoolbox: 2 };

export class HardwareRegistry {
  private readonly checks = new Map<HwBackend, Promise<EncoderCheck>>();
  private readonly benchedUntil = new Map<HwBackend, { until: number; reason: string }>();
  private readonly inUse = new Map<HwBackend, number>();
  private readonly waiters = new Map<HwBackend, (() => void)[]>();
  private readonly caps: Record<HwBackend, number>;
  private readonly now: () => number;
  private readonly testEncode: TestEncode;

  constructor(private readonly options: HardwareRegistryOptions = {}) {
    this.caps = { ...DEFAULT_SESSION_CAPS, ...options.sessionCaps };
    this.now = options.now ?? Date.now;
    this.testEncode = options.testEncode ?? ((backend) => realTestEncode(backend, options));
  }

  /** Test-encodes once per backend and caches the answer for the life of the process. */
  check(backend: HwBackend): Promise<EncoderCheck> {
    let check = this.checks.get(backend);
    if (!check) {
      check = this.testEncode(backend).then(({ ok, detail }) => ({
        backend,
        encoder: ENCODER_OF[backend],
        working: ok,
        detail,
        checkedAt: new Date(this.now()).toISOString(),
      }));
      this.checks.set(backend, check);
    }
    return check;
  }

  detectAll(): Promise<EncoderCheck[]> {
    return Promise.all((this.options.candidates ?? HW_BACKENDS).map((b) => this.check(b)));
  }

  /** HWACCEL → the backend to use now, with a warning when the preference cannot be honoured. */
  async choose(preference: HwAccelPreference): Promise<BackendChoice> {
    if (preference === "software") return { backend: "software" };
    if (preference === "auto") {
      for (const check of await this.detectAll()) if (check.working && this.isHealthy(check.backend)) return { backend: check.backend };
      return { backend: "software" };
    }
    const check = await this.check(preference);
    if (!check.working) {
      return { backend: "software", warning: `HWACCEL=${preference}: ${check.encoder} does not work on this machine (${check.detail}); encoding in software` };
    }
    const bench = this.benchedUntil.get(preference);
    if (!this.isHealthy(preference) && bench) {
      return { backend: "software", warning: `HWACCEL=${preference}: ${check.encoder} failed recently (${bench.reason}); encoding in software until it recovers` };
    }
    return { backend: preference };
  }

  isHealthy(backend: HwBackend): boolean {
    const bench = this.benchedUntil.get(backend);
    return !bench || bench.until <= this.now();
  }

  markUnhealthy(backend: HwBackend, reason: string): void {
    this.benchedUntil.set(backend, { until: this.now() + (this.options.cooldownMs ?? 600_000), reason });
  }

  /**
   * Waits for `sessions` encode sessions on the backend (a ladder opens one per encoded rung) and
   * returns the release. A job wanting more than the cap takes the whole cap.
   */
  async acquire(backend: Backend, sessions: number): Promise<() => void> {
    if (backend === "software") return () => {};
    const want = Math.max(1, Math.min(sessions, this.caps[backend]));
    while ((this.inUse.get(backend) ?? 0) + want > this.caps[backend]) {
      await new Promise<void>((resolve) => this.waiters.set(backend, [...(this.waiters.get(backend) ?? []), resolve]));
    }
    this.inUse.set(backend, (this.inUse.get(backend) ?? 0) + want);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse.set(backend, (this.inUse.get(backend) ?? 0) - want);
      const waiting = this.waiters.get(backend) ?? [];
      this.waiters.set(backend, []);
      for (const wake of waiting) wake();
    };
  }

  /** For /healthz: what was detected, what is benched, what is in use. */
  async snapshot(): Promise<{ encoders: (EncoderCheck & { healthy: boolean; sessionsInUse: number; sessionCap: number; benchedReason?: string })[] }> {
    const checks = await this.detectAll();
    return {
      encoders: checks.map((c) => {
        const bench = this.isHealthy(c.backend) ? undefined : this.benchedUntil.get(c.backend);
        return {
          ...c,
          healthy: c.working && !bench,
          sessionsInUse: this.inUse.get(c.backend) ?? 0,
          sessionCap: this.caps[c.backend],
          ...(bench ? { benchedReason: bench.reason } : {}),
        };
      }),
    };
  }
}

function realTestEncode(backend: HwBackend, options: HardwareRegistryOptions): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    execFile(
      options.ffmpegPath ?? "ffmpeg",
      buildTestEncodeArgs(backend, options),
      { timeout: 15_000, killSignal: "SIGKILL" },
      (error, _stdout, stderr) => {
        if (!error) return resolve({ ok: true, detail: "ok" });
        const lines = String(stderr).trim().split("\n").filter(Boolean);
        const detail = error.killed ? "test encode timed out" : (lines.find((l) => /cannot|unknown|no device|failed|error/i.test(l)) ?? lines.at(-1) ?? error.message);
        resolve({ ok: false, detail: detail.replace(/^\[[^\]]+\]\s*/, "").trim() });
      },
    );
  });
}
