/**
 * Helpers for the emulator tests: fixture loading (the captured bodies in test/fixtures) and a shape
 * comparison that checks every key of a fixture is present in an answer with the same JSON type.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `test/fixtures`: captured vendor bodies, provenance in its README. */
export const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

/** Parsed JSON fixture, e.g. `fixture('xray/import-execution.response.json')`. */
export function fixture<T = unknown>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, rel), 'utf8')) as T;
}

/** Raw text fixture. */
export function fixtureText(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences between the shape of `expected` (a fixture) and `actual`: each key of the fixture must exist with
 * the same JSON type; array items are compared with the fixture's first item. Answers a list of paths, empty
 * when the shapes match. Extra keys in `actual` are allowed.
 */
export function shapeDiff(expected: unknown, actual: unknown, at = '$'): string[] {
  const te = jsonType(expected);
  const ta = jsonType(actual);
  if (te !== ta) return [`${at}: expected ${te}, got ${ta}`];
  if (te === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0) return [];
    if (a.length === 0) return [`${at}: expected a non-empty array`];
    return a.flatMap((item, i) => shapeDiff(e[0], item, `${at}[${i}]`));
  }
  if (te === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    return Object.keys(e).flatMap((k) => (k in a ? shapeDiff(e[k], a[k], `${at}.${k}`) : [`${at}.${k}: missing`]));
  }
  return [];
}

/** A controllable clock. */
export function fakeClock(start = Date.parse('2026-11-25T10:00:00Z')): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => { t += ms; } };
}
