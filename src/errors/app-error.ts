import type { Message } from '../shared/message';
import { DEFAULT_LOCALE, translateMessage } from '../i18n/translate';

/**
 * The error that carries a contract code and a sentence the user can act on, as a message key with parameters.
 * Resolvers turn it into the envelope in the caller's language; `message` is the English sentence (for logs and for
 * callers that answer English). The sync pipeline (retryJob) throws it too, so both import it from here rather than
 * one importing the other.
 */
export class AppError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly problem: Message,
  ) {
    super(translateMessage(DEFAULT_LOCALE, problem));
    this.name = 'AppError';
  }

  /** The sentence in `locale` (English where that language lacks it). */
  messageIn(locale: unknown): string {
    return translateMessage(locale, this.problem);
  }
}
