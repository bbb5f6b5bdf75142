// One vitest run, twelve projects: unit tests beside the code (Node for contracts, worker and transcode-node,
// happy-dom for the player SDK), then cross-package integration, security (hostile input over HTTP),
// fault injection, the transcode fleet, the route suite under Node/workerd/Deno, the stop of every long-running entry, the packed SDK and the deploy bundle (ecosystem),
// and browser (Chromium) tests.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    // Fails the run when a process or an edgestream-* temp folder of this run outlives it.
    globalSetup: ["./tests/helpers/leftover-check.ts"],
    projects: [
      { test: { name: "contracts", include: ["contracts/src/**/*.test.ts"], environment: "node" } },
      { test: { name: "worker", include: ["worker/src/**/*.test.ts"], environment: "node" } },
      {
        test: { name: "transcode-node", include: ["transcode-node/src/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 120_000 },
      },
      { test: { name: "player-sdk", include: ["player-sdk/src/**/*.test.ts"], environment: "happy-dom" } },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "security",
          include: ["tests/security/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "runtimes",
          include: ["tests/runtime/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Crashes and outages with real child processes (SIGKILL mid-job, mid-upload) and a failing storage proxy.
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The transcode fleet: a worker and three real node processes on loopback sharing storage; nodes killed, drained, stopped.
          name: "fleet",
          include: ["tests/fleet/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "lifecycle",
          include: ["tests/lifecycle/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // The published shapes: the packed SDK in a throwaway consumer app, the worker's deploy bundle
          // and its documented local Cloudflare flow (wrangler).
          name: "ecosystem",
          include: ["tests/ecosystem/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
