// Errors the transcode node reports to a person: one line that says what is wrong and what to do.

export class MediaInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaInputError";
  }
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderrTail: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export function toolMissing(tool: string): MediaInputError {
  return new MediaInputError(`${tool} was not found on PATH: install ffmpeg (e.g. apt-get install ffmpeg)`);
}

/** A job or run stopped because someone asked it to; never retried, never a failure of the input. */
export class CancelledError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}
