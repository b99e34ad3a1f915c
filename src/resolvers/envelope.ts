import type { Envelope } from '../shared/types';
import type { Logger } from '../ports';
import { isKvsThrottle } from '../store/kvs-port';
import { AppError } from '../errors/app-error';
import { JiraError } from '../jira/jira-client';

/**
 * The platform's "the user has not allowed access yet" error. It must reach Jira untouched so Jira shows the
 * "Allow access" prompt; it is recognised by name so that only `src/platform` imports Forge.
 */
export function isConsentError(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'NEEDS_AUTHENTICATION_ERR';
}

/** Runs a resolver body and answers the envelope; only the consent error escapes. */
export async function toEnvelope<T>(log: Logger, key: string, body: () => Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, data: await body() };
  } catch (err) {
    if (isConsentError(err)) throw err;
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    // Contract section 2: a vendor's 429 to a call the resolver needed is `rate_limited` (checked before storage,
    // whose throttle test a Jira 429 would also pass).
    if (err instanceof JiraError && err.status === 429) {
      return { ok: false, error: { code: 'rate_limited', message: 'Jira is busy (too many requests from this site right now). Try again in a minute.' } };
    }
    if (isKvsThrottle(err)) {
      return { ok: false, error: { code: 'rate_limited', message: 'The app\'s storage is busy right now. Try again in a minute.' } };
    }
    log.error(`resolver ${key} failed`, { error: err instanceof Error ? err.message : String(err) });
    return {
      ok: false,
      error: { code: 'internal', message: 'Something went wrong in the Testsigma app. Try again; if it keeps failing, ask your Jira admin to check the app\'s logs.' },
    };
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
