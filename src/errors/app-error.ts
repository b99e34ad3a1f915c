/**
 * The error that carries a contract code and a sentence the user can act on. Resolvers turn it into the envelope;
 * the sync pipeline (retryJob) throws it too, so both import it from here rather than one importing the other.
 */
export class AppError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
