/**
 * Request authentication for the web trigger (docs/webtrigger-api.md): `Authorization: Bearer <secret>` or
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 */
import { createHmac } from 'node:crypto';

/** How requests prove they come from someone holding the secret. */
export type AuthMode = 'hmac' | 'bearer';

/** The `X-Signature` value for `body` (the exact bytes sent; an empty string for a GET) at `tSeconds`. */
export function signatureHeader(secret: string, body: string, tSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${tSeconds}.`, 'utf8').update(body, 'utf8').digest('hex');
  return `t=${tSeconds},v1=${mac}`;
}

/**
 * The auth header for one request. Signatures are made per attempt, so a retry after a long `Retry-After` still
 * falls inside the app's 300 s window.
 */
export function authHeaders(mode: AuthMode, secret: string, body: string, nowMs: number): Record<string, string> {
  if (mode === 'bearer') return { authorization: `Bearer ${secret}` };
  return { 'x-signature': signatureHeader(secret, body, Math.floor(nowMs / 1000)) };
}
