/**
 * Web trigger authentication (contract sections 3 and 8): `Authorization: Bearer <secret>` or
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<signed text>")>` within 300 s of the app's clock,
 * where the signed text is a POST's raw body or a GET's query ({@link canonicalQuery}).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's time may be from the app's clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Compares two strings in constant time. Both are hashed first, so the buffers `timingSafeEqual` sees always have
 * the same length and the comparison leaks neither content nor length.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** The signature a sender computes for `body` at `t` (seconds). */
export function sign(secret: string, t: string, body: string): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(body, 'utf8').digest('hex');
}

/** Parses `t=..,v1=..[,v1=..]`; undefined when malformed. */
function parseSignature(header: string): { t: string; v1: string[] } | undefined {
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') t = value;
    else if (name === 'v1' && value !== '') v1.push(value.toLowerCase());
  }
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) return undefined;
  return { t, v1: v1.slice(0, 5) };
}

/**
 * The query a GET's signature covers: every parameter, sorted by name (values in the order sent), each name and value
 * written as `encodeURIComponent` writes it, joined by `&`. For `?job=<jobId>` that is `job=<jobId>`. The platform
 * hands the app parsed parameters, not the raw query, so both sides write this one form.
 */
export function canonicalQuery(params: Record<string, readonly string[] | undefined> | undefined): string {
  const parts: string[] = [];
  for (const name of Object.keys(params ?? {}).sort()) {
    for (const value of params![name] ?? []) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return parts.join('&');
}

/** What a request proved. */
export interface AuthOutcome {
  ok: boolean;
  /** The signature that proved it (its `v1`), so the handler can tell a replay; absent for a bearer secret. */
  signature?: string;
  /** Proved only by the old GET form, a signature over `"<t>."` that does not cover the query. */
  legacy: boolean;
}

/**
 * Whether a request proves it holds the secret, and how. Every check runs to the end whatever failed first, and the
 * caller answers the same 401 for every failure, so a sender learns nothing about which part was wrong.
 * `legacyText` is a second text a signature may cover (a GET's old form, `""`); a match on it only sets `legacy`.
 */
export function authenticate(args: {
  secret: string;
  authorization?: string;
  signature?: string;
  signedText: string;
  legacyText?: string;
  nowMs: number;
}): AuthOutcome {
  let bearerOk = false;
  const bearer = args.authorization ? /^Bearer\s+(.+)$/i.exec(args.authorization.trim()) : null;
  if (bearer) bearerOk = safeEqual(bearer[1]!.trim(), args.secret);
  let current: string | undefined;
  let old: string | undefined;
  if (args.signature) {
    const parsed = parseSignature(args.signature);
    if (parsed) {
      const fresh = Math.abs(Math.floor(args.nowMs / 1000) - Number(parsed.t)) <= SIGNATURE_TOLERANCE_SECONDS;
      const expected = sign(args.secret, parsed.t, args.signedText);
      const expectedOld = args.legacyText !== undefined ? sign(args.secret, parsed.t, args.legacyText) : undefined;
      for (const candidate of parsed.v1) {
        if (safeEqual(candidate, expected) && fresh) current = candidate;
        if (expectedOld !== undefined && safeEqual(candidate, expectedOld) && fresh) old = candidate;
      }
    }
  }
  if (bearerOk) return { ok: true, legacy: false };
  if (current !== undefined) return { ok: true, signature: current, legacy: false };
  if (old !== undefined) return { ok: true, signature: old, legacy: true };
  return { ok: false, legacy: false };
}
