/**
 * Web trigger authentication (contract section 3): `Authorization: Bearer <secret>` or
 * `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` within 300 s of the app's clock.
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
 * Whether a request proves it holds the secret. Every check runs to the end whatever failed first, and the caller
 * answers the same 401 for every failure, so a sender learns nothing about which part was wrong.
 */
export function isAuthorised(args: {
  secret: string;
  authorization?: string;
  signature?: string;
  body: string;
  nowMs: number;
}): boolean {
  let ok = false;
  const bearer = args.authorization ? /^Bearer\s+(.+)$/i.exec(args.authorization.trim()) : null;
  if (bearer) ok = safeEqual(bearer[1]!.trim(), args.secret) || ok;
  if (args.signature) {
    const parsed = parseSignature(args.signature);
    if (parsed) {
      const fresh = Math.abs(Math.floor(args.nowMs / 1000) - Number(parsed.t)) <= SIGNATURE_TOLERANCE_SECONDS;
      const expected = sign(args.secret, parsed.t, args.body);
      let matches = false;
      for (const candidate of parsed.v1) matches = safeEqual(candidate, expected) || matches;
      ok = (fresh && matches) || ok;
    }
  }
  return ok;
}
