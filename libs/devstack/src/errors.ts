/**
 * The one error type of the devstack library. Its message is meant for a person at a terminal:
 * it says what is wrong or missing and what to do about it. Callers (scripts, test setup) print
 * `error.message` only; the stack trace is noise for that audience.
 */
export class DevstackError extends Error {
  override readonly name = 'DevstackError';

  constructor(
    message: string,
    /** Stable machine-readable code, e.g. `PREREQUISITES_MISSING`, `PORT_IN_USE`, `CHECKSUM_MISMATCH`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Receives one human-readable progress line at a time (no trailing newline). */
export interface Logger {
  (line: string): void;
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Seconds with one decimal, e.g. `4.8 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
