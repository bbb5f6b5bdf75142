// Errors the transcode node reports to a person: one line that says what is wrong and what to do.

export class MediaInputError extends Error {
  /** The file the message is about, for the operator (CLI, log); never part of the message, which anyone may see. */
  source: string | undefined;
  constructor(message: string, options: { source?: string } = {}) {
    super(message);
    this.name = "MediaInputError";
    this.source = options.source;
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

/**
 * A message with every absolute path (or `file:` URL) cut to its last part: ffmpeg's words, and ours,
 * as a viewer may see them. The operator's log keeps the full text.
 */
export function redactPaths(message: string): string {
  return message.replace(/(^|[\s'"(=,[])(?:file:)?\/[^\s'"():,\]]*/g, (match, lead: string) => {
    const parts = match.slice(lead.length).split("/").filter(Boolean);
    return `${lead}${parts.at(-1) ?? ""}`;
  });
}
