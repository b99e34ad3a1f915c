/** Exit codes of `xts` (the README's table lists the same). */
export const EXIT = {
  /** Everything delivered; with `--wait`, every job ended `succeeded` or `partial`. */
  OK: 0,
  /** A job ended `failed` (or a Testsigma run produced nothing to send). */
  RUN_FAILED: 1,
  /** Bad usage or input, wrong configuration, or the service could not be reached or refused the request. */
  USAGE: 2,
  /** With `--fail-on-test-failure`: the run synced, and at least one of its results was sent to Xray as failed. */
  TEST_FAILED: 3,
  /** Gave up waiting (`--timeout`): the job or Testsigma run was still going; the app keeps working on it. */
  TIMEOUT: 4,
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
