/**
 * fast-check generators shared by the property tests: values an executor or a tampered frontend could send, mixing
 * valid-ish input with hostile input (wrong types, long and control-character strings, unparsable URLs, impossible
 * dates, leading-zero ids, nested junk). Every generator is bounded so a thousand cases stay within seconds.
 */
import fc from 'fast-check';

/** Strings a person would not type: control characters, lone surrogates, quotes, JSON and HTML fragments. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '"', '\\', '{"a":', '<script>alert(1)</script>', '../../etc/passwd', '%00', 'null', 'undefined', 'NaN', '__proto__', 'constructor'),
);

/**
 * Long strings, a few sizes of them (built once: generating 300,000 characters per case would dominate the run).
 * The sizes straddle the contract's caps (summary 255, message 32,000) and Forge's 240 KiB a stored value.
 */
export const longString: fc.Arbitrary<string> = fc.constantFrom(
  'x'.repeat(256),
  'y'.repeat(32_001),
  '\u0001'.repeat(1_000),
);

/** Long strings that put one stored row over Forge's value limit (finding 1 of issue 10). */
export const oversizedString: fc.Arbitrary<string> = fc.constantFrom('m'.repeat(300_000), '\u0002'.repeat(60_000));

/** Ids: the valid shapes, leading zeros, signs, floats, too long, not numbers at all. */
export const idLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 2_000_000 }).map(String),
  fc.integer({ min: 0, max: 2_000_000 }),
  fc.constantFrom('0', '0601', '00', '-1', '+1', '1.5', '1e3', ' 7', '7 ', '99999999999999999999', '9007199254740993', 'abc', ''),
  fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Infinity),
);

/** Dates: valid, impossible (Feb 30, hour 24), other formats, and junk. */
export const dateLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-11-25', '2026-11-25T10:00', '2026-11-25T10:00:00+0200', '2026-02-30', '2026-13-01', '2026-11-25T24:00:00Z', '2026-11-25T10:61:00Z', '2026-11-25 10:00:00', 'yesterday', '', '0000-00-00'),
  fc.integer(),
);

/** URLs: good, not https, unparsable, with credentials, very long. */
export const urlLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('https://app.testsigma.com', 'http://app.testsigma.com', 'not a url', 'https://', '://x', 'javascript:alert(1)', 'https://user:pass@evil.test', 'https://127.0.0.1:1/', ''),
  hostileString,
);

/** Nested junk of any JSON-ish shape, bounded in depth and size. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 4, withNullPrototype: false }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A value of the wanted shape most of the time, something else otherwise. */
export function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = junk): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 });
}

/** An optional property: absent, null, or a value. */
export function optional(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: value, weight: 3 });
}

/** A record whose `undefined` properties are dropped, as JSON would drop them. */
export function record(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(fields).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}
