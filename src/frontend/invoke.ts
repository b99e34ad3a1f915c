/**
 * Typed wrappers over `invoke` from `@forge/bridge`. Components never call `invoke` directly: they take one of these
 * callers as a dependency, so tests hand them a fake and the resolver maps in `src/shared/types.ts` type every call.
 */
import { invoke } from '@forge/bridge';
import { isConsentError } from '../shared/consent';
import type {
  AdminErrorCode,
  AdminResolverApi,
  Envelope,
  PanelErrorCode,
  PanelResolverApi,
} from '../shared/types';

/** A resolver API map: each key with the payload it takes and the data it answers with. */
type ResolverApi<A> = { [K in keyof A]: { payload: object; data: unknown } };

/**
 * Codes the frontend itself answers with: the resolver could not be reached, or answered something that is no
 * envelope. The page words them from its resources (`errors.unreachable`, `errors.bad_answer`); the English
 * `message` beside them is for logs and tests.
 */
export type FrontendErrorCode = 'unreachable' | 'bad_answer';

/**
 * Calls one resolver key with its payload; resolves to an envelope and rejects only with the platform's consent
 * error, which Jira answers with its "Allow access" prompt.
 */
export type Caller<A extends ResolverApi<A>, C extends string> = <K extends keyof A & string>(
  key: K,
  payload: A[K]['payload'],
) => Promise<Envelope<A[K]['data'], C | FrontendErrorCode>>;

/** Caller for the issue panel's resolver (`panel-resolver`). */
export type PanelCaller = Caller<PanelResolverApi, PanelErrorCode>;
/** Caller for the admin page's resolver (`admin-resolver`). */
export type AdminCaller = Caller<AdminResolverApi, AdminErrorCode>;

/** The raw transport: `invoke` in Forge, a fake in tests. */
export type RawInvoke = (key: string, payload: object) => Promise<unknown>;

// Longer platform errors are stack-like noise to a Jira user; a short one often says what went wrong.
const MAX_DETAIL_LENGTH = 160;

/**
 * The envelope for an invoke that threw (network, platform, a resolver crash the backend did not catch).
 * The user cannot act on the platform's wording, so it is kept short and followed by something they can do.
 */
export function thrownToEnvelope(error: unknown): { ok: false; error: { code: 'unreachable'; message: string } } {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const detail = raw.trim().replace(/\s+/g, ' ');
  const shown = detail && detail.length <= MAX_DETAIL_LENGTH ? ` (${detail.replace(/\.$/, '')})` : '';
  return {
    ok: false,
    error: {
      code: 'unreachable',
      message: `The app could not be reached${shown}. Reload the page and try again; if it keeps happening, tell your Jira administrator.`,
    },
  };
}

/**
 * Checks that a resolver answered with an envelope. A backend bug that returns anything else would otherwise surface
 * as a confusing crash deep inside a component.
 */
export function asEnvelope<T, C extends string>(raw: unknown): Envelope<T, C | 'bad_answer'> {
  if (typeof raw === 'object' && raw !== null && 'ok' in raw) {
    const candidate = raw as { ok: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
    if (candidate.ok === true && 'data' in candidate) return raw as Envelope<T, C>;
    if (
      candidate.ok === false &&
      typeof candidate.error?.code === 'string' &&
      typeof candidate.error.message === 'string'
    ) {
      return raw as Envelope<T, C>;
    }
  }
  return {
    ok: false,
    error: {
      code: 'bad_answer',
      message: 'The app answered in an unexpected way. Reload the page and try again; if it keeps happening, tell your Jira administrator.',
    },
  };
}

/** Builds a typed caller over a raw transport (exported for tests; the app uses `callPanel` and `callAdmin`). */
export function makeCaller<A extends ResolverApi<A>, C extends string>(raw: RawInvoke): Caller<A, C> {
  return async <K extends keyof A & string>(key: K, payload: A[K]['payload']): Promise<Envelope<A[K]['data'], C | FrontendErrorCode>> => {
    try {
      return asEnvelope<A[K]['data'], C>(await raw(key, payload));
    } catch (error) {
      // The host, not the app, asks the user to allow access; an "unreachable" message would hide that prompt.
      if (isConsentError(error)) throw error;
      return thrownToEnvelope(error);
    }
  };
}

// `invoke` is looked up on each call (not captured) so that a test's jest.mock of @forge/bridge is always honoured.
const bridgeInvoke: RawInvoke = (key, payload) => invoke(key, payload as Record<string, unknown>);

/** Calls a key of the issue panel's resolver. */
export const callPanel: PanelCaller = makeCaller<PanelResolverApi, PanelErrorCode>(bridgeInvoke);

/** Calls a key of the admin page's resolver. */
export const callAdmin: AdminCaller = makeCaller<AdminResolverApi, AdminErrorCode>(bridgeInvoke);
