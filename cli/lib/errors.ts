/** Exit codes of `xts`. */
export const EXIT = {
  /** Everything delivered; with `--wait`, every job ended `succeeded` or `partial`. */
  OK: 0,
  /** A job ended `failed` (or a Testsigma run produced nothing to send). */
  RUN_FAILED: 1,
  /** Bad usage or input, wrong configuration, or the service could not be reached or refused the request. */
  USAGE: 2,
} as const;

/** An error that ends the command with a message for the user and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
