/**
 * The platform's "the user has not allowed this app access yet" error (`NEEDS_AUTHENTICATION_ERR`, which `@forge/api`
 * raises from `asUser()` calls). It must reach Jira untouched, from the resolver and again from `invoke` in the
 * frontend, so that Jira shows its "Allow access" prompt. Recognised by name, code or message rather than by class:
 * only `src/platform` imports Forge, and across the bridge an error may arrive as a plain object or as its text.
 */
export const CONSENT_ERROR_NAME = 'NEEDS_AUTHENTICATION_ERR';

/** Whether a thrown value is the platform's consent error. */
export function isConsentError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return typeof err === 'string' && err.includes(CONSENT_ERROR_NAME);
  const { name, code, message } = err as { name?: unknown; code?: unknown; message?: unknown };
  return name === CONSENT_ERROR_NAME || code === CONSENT_ERROR_NAME || (typeof message === 'string' && message.includes(CONSENT_ERROR_NAME));
}
