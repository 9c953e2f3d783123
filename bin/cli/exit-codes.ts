/**
 * The CLI's exit codes. Scripts branch on them, so they are part of the interface: never renumber.
 */
export const EXIT = {
  /** The command did what was asked (or found nothing to do). */
  ok: 0,
  /** The operation failed: an AWS or Stytch error, a failed or timed-out rotation. */
  failed: 1,
  /** The command line is wrong: unknown command or flag, missing argument, bad value. */
  usage: 2,
  /** `status` found a secret that needs a person: stuck, drift, or unreadable. */
  attention: 3,
  /** The secret's state does not allow the command (e.g. `complete` with no overlap open). */
  refused: 4,
  /** The operator said no, or there was no answer to a confirmation, or Ctrl-C. */
  aborted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line on stderr with a chosen exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** The command line is wrong (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(EXIT.usage, `${message} (see --help)`);
}
