import type { Envelope } from '../shared/types';
import type { Logger } from '../ports';
import { isKvsThrottle } from '../store/kvs-port';
import { AppError } from '../errors/app-error';
import { translate } from '../i18n/translate';
import { JiraError } from '../jira/jira-client';
import { isConsentError } from '../shared/consent';

/**
 * Runs a resolver body and answers the envelope, its message in the caller's language (`req.context.locale`); only
 * the consent error escapes.
 */
export async function toEnvelope<T>(log: Logger, req: Pick<ResolverRequest, 'context'>, key: string, body: () => Promise<T>): Promise<Envelope<T>> {
  const locale = req.context?.locale;
  try {
    return { ok: true, data: await body() };
  } catch (err) {
    if (isConsentError(err)) throw err;
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.messageIn(locale) } };
    // Contract section 2: a vendor's 429 to a call the resolver needed is `rate_limited` (checked before storage,
    // whose throttle test a Jira 429 would also pass).
    if (err instanceof JiraError && err.status === 429) {
      return { ok: false, error: { code: 'rate_limited', message: translate(locale, 'apiErrors.jiraBusy') } };
    }
    if (isKvsThrottle(err)) {
      return { ok: false, error: { code: 'rate_limited', message: translate(locale, 'apiErrors.storageBusy') } };
    }
    log.error(`resolver ${key} failed`, { error: err instanceof Error ? err.message : String(err) });
    return { ok: false, error: { code: 'internal', message: translate(locale, 'apiErrors.internal') } };
  }
}

/** The invocation a resolver handler receives (the subset of Forge's request we read). */
export interface ResolverRequest<P = unknown> {
  payload: P;
  context: {
    accountId?: string;
    /** The caller's locale as Forge reports it (`en-US`, `de-DE`): resolvers write their messages in it. */
    locale?: string;
    extension?: { issue?: { id?: unknown; key?: unknown } };
  };
}

/** A resolver's keys mapped to handlers. */
export type ResolverHandlers = Record<string, (req: ResolverRequest) => Promise<Envelope<unknown>>>;
