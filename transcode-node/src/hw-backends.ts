// Hardware backends: names, encoders and the exact ffmpeg arguments each one needs. Pure; the
// detection and health bookkeeping that uses them lives in hw-registry.ts.

import { HW_BACKENDS, type Backend, type HwBackend } from "@edgestream/contracts";

export { HW_BACKENDS, type Backend, type HwBackend };
/** What an operator asks for with HWACCEL. */
export type HwAccelPreference = "auto" | Backend;

export const ENCODER_OF: Record<Backend, string> = {
  nvenc: "h264_nvenc",
  qsv: "h264_qsv",
  vaapi: "h264_vaapi",
  videotoolbox: "h264_videotoolbox",
  software: "libx264",
};

export interface HwDeviceOptions {
  /** DRM render node for VAAPI and QSV (default /dev/dri/renderD128). */
  vaapiDevice?: string;
}

export const DEFAULT_VAAPI_DEVICE = "/dev/dri/renderD128";

/**
 * A one-frame encode through the same device path a job uses. A listed encoder is not a working
 * one: without the driver, the device node or the library (libcuda.so), this exits non-zero.
 */
export function buildTestEncodeArgs(backend: HwBackend, options: HwDeviceOptions = {}): string[] {
  const device = options.vaapiDevice ?? DEFAULT_VAAPI_DEVICE;
  const head = ["-hide_banner", "-nostdin", "-loglevel", "error"];
  const source = ["-f", "lavfi", "-i", "testsrc2=size=256x144:rate=25", "-frames:v", "1"];
  const sink = ["-f", "null", "-"];
  switch (backend) {
    case "nvenc":
      return [...head, "-init_hw_device", "cuda=cu", "-filter_hw_device", "cu", ...source, "-vf", "format=nv12,hwupload", "-c:v", "h264_nvenc", ...sink];
    case "vaapi":
      return [...head, "-init_hw_device", `vaapi=va:${device}`, "-filter_hw_device", "va", ...source, "-vf", "format=nv12,hwupload", "-c:v", "h264_vaapi", ...sink];
    case "qsv":
      return [
        ...head, "-init_hw_device", `vaapi=va:${device}`, "-init_hw_device", "qsv=qs@va", "-filter_hw_device", "va", ...source,
        "-vf", "format=nv12,hwupload,hwmap=derive_device=qsv,format=qsv", "-c:v", "h264_qsv", ...sink,
      ];
    case "videotoolbox":
      return [...head, ...source, "-vf", "format=nv12", "-c:v", "h264_videotoolbox", "-allow_sw", "0", ...sink];
  }
}

/**
 * Input-side arguments (before `-i`). `fullDevice` decodes on the device and keeps frames there;
 * otherwise frames are decoded and pre-filtered on the CPU, then uploaded (see `uploadFilter`).
 */
export function hwInputArgs(backend: Backend, fullDevice: boolean, options: HwDeviceOptions = {}): string[] {
  const device = options.vaapiDevice ?? DEFAULT_VAAPI_DEVICE;
  switch (backend) {
    case "software":
      return [];
    case "nvenc":
      return fullDevice ? ["-hwaccel", "cuda", "-hwaccel_output_format", "cuda"] : ["-init_hw_device", "cuda=cu", "-filter_hw_device", "cu"];
    case "vaapi":
      return [
        "-init_hw_device", `vaapi=va:${device}`,
        ...(fullDevice ? ["-hwaccel", "vaapi", "-hwaccel_device", "va", "-hwaccel_output_format", "vaapi"] : []),
        "-filter_hw_device", "va",
      ];
    case "qsv":
      // QSV through a VAAPI device it is derived from: decode and scale with VAAPI, map to QSV.
      return [
        "-init_hw_device", `vaapi=va:${device}`, "-init_hw_device", "qsv=qs@va",
        ...(fullDevice ? ["-hwaccel", "vaapi", "-hwaccel_device", "va", "-hwaccel_output_format", "vaapi"] : []),
        "-filter_hw_device", "va",
      ];
    case "videotoolbox":
      // Decoded frames come back to system memory; ffmpeg 5.1 has no scale_vt, so scaling is on the CPU.
      return fullDevice ? ["-hwaccel", "videotoolbox"] : [];
  }
}

/** Filters that move CPU frames onto the device (empty when the chain is fully on the device). */
export function uploadFilters(backend: Backend, fullDevice: boolean): string[] {
  if (fullDevice || backend === "software" || backend === "videotoolbox") return [];
  return ["format=nv12", "hwupload"];
}

/** One rung's scaler; 10-bit input becomes 8-bit 4:2:0 (nv12/yuv420p) here for 8-bit H.264. */
export function scaleFilter(backend: Backend, width: number, height: number): string {
  switch (backend) {
    case "software":
      return `scale=${width}:${height}:flags=bicubic,format=yuv420p`;
    case "nvenc":
      return `scale_cuda=w=${width}:h=${height}:format=nv12`;
    case "vaapi":
      return `scale_vaapi=w=${width}:h=${height}:format=nv12`;
    case "qsv":
      return `scale_vaapi=w=${width}:h=${height}:format=nv12,hwmap=derive_device=qsv,format=qsv`;
    case "videotoolbox":
      return `scale=${width}:${height}:flags=bicubic,format=nv12`;
  }
}

/**
 * Keyframes at exactly these output times (seconds, as `-force_key_frames` takes them) and nowhere
 * else a muxer could cut: the copied top rung's cut points (rung-alignment.ts).
 */
export interface ForcedKeyframes {
  times: readonly string[];
  /** A GOP ceiling past the longest stretch between two forced keyframes, in frames. */
  maxGopFrames: number;
}

/**
 * Encoder arguments for output video stream `i`. Keyframes land on the segment grid: x264 forces
 * them by time with scene-cut keyframes off; hardware encoders get a fixed GOP of exactly one
 * segment (the output rate is constant, so frames per segment is a whole number). With `forced`,
 * every encoder keys at those times only: forced frames are IDR, scene cuts are off, and the GOP
 * ceiling is longer than any stretch between them.
 */
export function encoderArgs(backend: Backend, i: number, maxKbps: number, segmentSeconds: number, gop: number, forced?: ForcedKeyframes): string[] {
  const s = `:v:${i}`;
  const rate = [`-maxrate${s}`, `${maxKbps}k`, `-bufsize${s}`, `${maxKbps * 2}k`];
  // Hardware rate control is VBR with an average target under the ceiling; x264 uses capped CRF.
  const average = [`-b${s}`, `${Math.round(maxKbps * 0.75)}k`];
  // No cut at all (a copy shorter than one segment): only the first frame is a keyframe.
  const keying = forced
    ? [...(forced.times.length > 0 ? [`-force_key_frames${s}`, forced.times.join(",")] : []), `-g${s}`, String(forced.maxGopFrames)]
    : [`-g${s}`, String(gop), `-keyint_min${s}`, String(gop)];
  switch (backend) {
    case "software":
      return [
        `-c${s}`, "libx264", `-preset${s}`, "veryfast", `-profile${s}`, "high", `-crf${s}`, "21", ...rate,
        ...(forced ? keying : [`-force_key_frames${s}`, `expr:gte(t,n_forced*${segmentSeconds})`]), `-sc_threshold${s}`, "0",
      ];
    case "nvenc":
      return [
        `-c${s}`, "h264_nvenc", `-preset${s}`, "p4", `-profile${s}`, "high", `-rc${s}`, "vbr", ...average, ...rate,
        ...keying, `-no-scenecut${s}`, "1", `-forced-idr${s}`, "1",
      ];
    case "vaapi":
      // A forced frame becomes an IDR picture in every VAAPI encoder (vaapi_encode force_idr).
      return [`-c${s}`, "h264_vaapi", `-profile${s}`, "high", ...average, ...rate, ...keying];
    case "qsv":
      return [
        `-c${s}`, "h264_qsv", `-preset${s}`, "medium", `-profile${s}`, "high", ...average, ...rate,
        ...keying, `-idr_interval${s}`, "0", ...(forced ? [`-forced_idr${s}`, "1"] : []),
      ];
    case "videotoolbox":
      // A forced frame is sent with kVTEncodeFrameOptionKey_ForceKeyFrame.
      return [`-c${s}`, "h264_videotoolbox", `-profile${s}`, "high", ...average, ...rate, ...keying, `-allow_sw${s}`, "0"];
  }
}
