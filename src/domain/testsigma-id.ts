/** Parsing of what a user pastes to name a Testsigma entity. */
import { quoteValue } from './quote';
import { msg, type Message } from '../shared/message';

/** The outcome of parsing a pasted Testsigma id or URL. */
export type ParsedId = { ok: true; id: string } | { ok: false; reason: Message };

const DIGITS = /^\d{1,19}$/;

/**
 * Accepts a bare id (1 to 19 digits) or a Testsigma URL whose last all-digit path segment is the id, as contract
 * section 2 says. Leading zeros are kept off so "0609" and "609" name the same case.
 */
export function parseTestsigmaId(input: unknown): ParsedId {
  if (typeof input !== 'string' && typeof input !== 'number') {
    return { ok: false, reason: msg('apiErrors.id.empty') };
  }
  // A number past 2^53 has already lost digits (9007199254740993 arrives as ...992): it would name another entity.
  if (typeof input === 'number' && !Number.isSafeInteger(input)) {
    return { ok: false, reason: msg('apiErrors.id.unsafeNumber') };
  }
  const text = String(input).trim();
  if (text === '') return { ok: false, reason: msg('apiErrors.id.empty') };
  if (/^\d+$/.test(text)) return normalise(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: msg('apiErrors.id.notIdOrUrl', { value: quoteValue(text) }) };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: msg('apiErrors.id.notWebAddress', { value: quoteValue(text) }) };
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const last = [...segments].reverse().find((s) => /^\d+$/.test(s));
  if (!last) {
    return { ok: false, reason: msg('apiErrors.id.noIdInUrl') };
  }
  return normalise(last);
}

/**
 * The one spelling of a Testsigma id: digits without leading zeros ("0609" is 609, "000" is 0). The panel and the
 * web trigger both go through it, so a case sent as "0609" reaches the Test its link "609" names.
 */
export function canonicalDigits(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

function normalise(digits: string): ParsedId {
  const id = canonicalDigits(digits);
  if (!DIGITS.test(id)) return { ok: false, reason: msg('apiErrors.id.tooLong', { value: quoteValue(digits), count: id.length }) };
  if (id === '0') return { ok: false, reason: msg('apiErrors.id.zero') };
  return { ok: true, id };
}
