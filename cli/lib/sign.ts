/**
 * Request authentication for the web trigger (docs/webtrigger-api.md): `Authorization: Bearer <secret>` or
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<signed text>")>`, where the signed text is a
 * POST's raw body and a GET's query.
 */
import { createHmac } from 'node:crypto';

/** How requests prove they come from someone holding the secret. */
export type AuthMode = 'hmac' | 'bearer';

/**
 * What a request's signature covers: a POST's exact body; a GET's query, every parameter sorted by name, each name
 * and value written as `encodeURIComponent` writes it, joined by `&` (`job=<jobId>`), the form the app rebuilds
 * from the parameters it is handed.
 */
export function signedText(method: 'GET' | 'POST', url: string, body: string): string {
  if (method !== 'GET') return body;
  const params = [...new URL(url).searchParams];
  const names = [...new Set(params.map(([name]) => name))].sort();
  return names
    .flatMap((name) => params.filter(([n]) => n === name).map(([, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`))
    .join('&');
}

/** The `X-Signature` value for `text` (the exact bytes sent, or a GET's {@link signedText}) at `tSeconds`. */
export function signatureHeader(secret: string, text: string, tSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${tSeconds}.`, 'utf8').update(text, 'utf8').digest('hex');
  return `t=${tSeconds},v1=${mac}`;
}

/**
 * The auth header for one request (`text` from {@link signedText}). Signatures are made per attempt, so a retry after a long `Retry-After` still
 * falls inside the app's 300 s window.
 */
export function authHeaders(mode: AuthMode, secret: string, text: string, nowMs: number): Record<string, string> {
  if (mode === 'bearer') return { authorization: `Bearer ${secret}` };
  return { 'x-signature': signatureHeader(secret, text, Math.floor(nowMs / 1000)) };
}
