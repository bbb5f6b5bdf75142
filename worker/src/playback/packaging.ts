// Packaging a video through a transcode node, tracked by pulling the job's state when someone asks
// (/stream, the video list, upload): no background task, so it works the same on Node, Deno and Workers.
// pending --startPackaging--> generating --refreshPackaging--> ready | failed
// A node that restarts forgets its jobs (404): the job is submitted again, up to TRANSCODE_MAX_ATTEMPTS.
// A node that stays down fails the video once it has not answered for TRANSCODE_NODE_DOWN_SECONDS.
// With a fleet (NODE_REGISTRATION_SECRET), jobs are rows that nodes pull (fleet/job-leases.ts) and
// the same two calls read them; leases and attempts are counted on the row.
import { nowMs } from "../clock.ts";
import type { Video } from "../db/schema.ts";
import type { AppDeps } from "../env.ts";
import { MASTER_PLAYLIST, type JobState } from "@edgestream/contracts";
import { advance, markFailed, markReady } from "./transitions.ts";
import { fleetPackaging } from "../fleet/job-leases.ts";

type PackagingJobs = Pick<NonNullable<AppDeps["transcoder"]>, "createJob" | "getJob">;

/** Who runs packaging jobs: the fleet's job table when nodes register, else the one configured node. */
function packagingJobs(deps: AppDeps): PackagingJobs | undefined {
  return deps.config.NODE_REGISTRATION_SECRET ? fleetPackaging(deps) : deps.transcoder;
}

/** Asks the node to package a pending video. Without a node, or when it does not answer, the video stays pending (tried again later). */
export async function startPackaging(deps: AppDeps, video: Video): Promise<Video> {
  if (video.status !== "pending") return video;
  return submitJob(deps, video);
}

/** Brings a generating video up to date with its job. A job the node forgot (restart) is started again. */
export async function refreshPackaging(deps: AppDeps, video: Video): Promise<Video> {
  const jobs = packagingJobs(deps);
  if (!jobs || video.status !== "generating" || !video.jobId) return video;
  let job: JobState | null;
  try {
    job = await jobs.getJob(video.jobId);
  } catch (error) {
    const silentMs = nowMs(deps) - (video.jobSeenAt ?? video.updatedAt).getTime();
    if (silentMs >= deps.config.TRANSCODE_NODE_DOWN_SECONDS * 1000) {
      // The node's own message names its URL: logged for the operator, not stored for the viewer.
      console.warn(`packaging ${video.id} failed: ${(error as Error).message}`);
      return markFailed(deps, video, `packaging stopped: the transcode node has not answered for ${Math.floor(silentMs / 1000)} s; upload the video again later`);
    }
    console.warn(`packaging ${video.id}: ${(error as Error).message}`);
    return video;
  }
  if (!job) return submitJob(deps, { ...video, jobId: null });
  return apply(deps, video, job);
}

async function submitJob(deps: AppDeps, video: Video): Promise<Video> {
  const jobs = packagingJobs(deps);
  if (!jobs || !video.sourceKey) return video;
  if (video.jobAttempts >= deps.config.TRANSCODE_MAX_ATTEMPTS) {
    const attempts = `${video.jobAttempts} attempt${video.jobAttempts === 1 ? "" : "s"}`;
    return markFailed(deps, video, `packaging gave up after ${attempts}: the transcode node lost the job each time; upload the video again`);
  }
  let job: JobState;
  try {
    job = await jobs.createJob({ storageKey: video.sourceKey, videoId: video.id });
  } catch (error) {
    console.warn(`packaging ${video.id} not started: ${(error as Error).message}`);
    return video;
  }
  return apply(deps, { ...video, jobId: job.id, jobAttempts: video.jobAttempts + 1 }, job);
}

async function apply(deps: AppDeps, video: Video, job: JobState): Promise<Video> {
  if (job.status === "succeeded" && job.result && !(await deps.storage.head(`${job.result.storagePrefix}/${MASTER_PLAYLIST}`))) {
    // The job found an identical package that another video's deletion has since removed: package again.
    return submitJob(deps, { ...video, jobId: null });
  }
  const seen: Partial<Video> = { jobId: job.id, jobAttempts: video.jobAttempts, jobSeenAt: new Date(nowMs(deps)) };
  if (job.status === "succeeded" && job.result) {
    const { result } = job;
    return markReady(
      deps,
      video,
      {
        storagePrefix: result.storagePrefix,
        sourceSha256: result.sha256,
        durationMs: result.durationMs,
        posterPath: result.thumbnails?.poster ?? null,
        thumbnailsPath: result.thumbnails?.track ?? null,
      },
      seen,
    );
  }
  if (job.status === "failed" || job.status === "cancelled") return markFailed(deps, video, job.error ?? `packaging was ${job.status}`, seen);
  return advance(deps, video, { ...seen, status: "generating", progress: job.progress ?? 0 });
}
