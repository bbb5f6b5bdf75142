// What the tests take as the truth about this machine's hardware encoders: a one-frame encode per
// encoder, written here apart from hw-backends.ts (the simplest command that works wherever the
// encoder does), so detection is checked against something it does not share.
import { execFile } from "node:child_process";
import { HW_BACKENDS, type HwBackend } from "../hw-backends.ts";

const FRAME = ["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=gray:size=256x144:rate=25", "-frames:v", "1"];

const ENCODE: Record<HwBackend, string[]> = {
  nvenc: [...FRAME, "-pix_fmt", "yuv420p", "-c:v", "h264_nvenc"],
  qsv: [...FRAME, "-pix_fmt", "nv12", "-c:v", "h264_qsv"],
  vaapi: ["-vaapi_device", "/dev/dri/renderD128", ...FRAME, "-vf", "format=nv12,hwupload", "-c:v", "h264_vaapi"],
  videotoolbox: [...FRAME, "-pix_fmt", "nv12", "-c:v", "h264_videotoolbox", "-allow_sw", "0"],
};

export interface EncoderTruth {
  works: boolean;
  /** ffmpeg's stderr when it did not. */
  stderr: string;
}

function encodeOneFrame(backend: HwBackend): Promise<EncoderTruth> {
  return new Promise((resolve) => {
    execFile("ffmpeg", [...ENCODE[backend], "-f", "null", "-"], { timeout: 30_000, killSignal: "SIGKILL" }, (error, _stdout, stderr) =>
      resolve({ works: !error, stderr: String(stderr) }),
    );
  });
}

/** Every backend, in detection order, with whether a real one-frame encode works here. */
export async function encoderTruth(): Promise<Map<HwBackend, EncoderTruth>> {
  return new Map(await Promise.all(HW_BACKENDS.map(async (b) => [b, await encodeOneFrame(b)] as const)));
}
