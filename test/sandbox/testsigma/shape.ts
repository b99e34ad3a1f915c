/**
 * Compares the shape of a JSON value with a fixture: the same keys at every level and the same value types.
 * A fixture `null` says nothing about the type, so any value matches it; an empty array on either side skips the
 * element comparison. Answers a list of differences (empty when the shapes match).
 */
export function shapeDiff(fixture: unknown, actual: unknown, path = '$', opts: { allowExtraKeys?: boolean } = {}): string[] {
  if (fixture === null) return [];
  const tf = kind(fixture);
  const ta = kind(actual);
  if (tf !== ta) return [`${path}: expected ${tf}, got ${ta}`];
  if (Array.isArray(fixture) && Array.isArray(actual)) {
    if (fixture.length === 0 || actual.length === 0) return [];
    return actual.flatMap((item, i) => shapeDiff(fixture[0], item, `${path}[${i}]`, opts));
  }
  if (tf === 'object') {
    const f = fixture as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const diffs: string[] = [];
    for (const k of Object.keys(f)) {
      if (!(k in a)) diffs.push(`${path}.${k}: missing`);
      else diffs.push(...shapeDiff(f[k], a[k], `${path}.${k}`, opts));
    }
    if (!opts.allowExtraKeys) for (const k of Object.keys(a)) if (!(k in f)) diffs.push(`${path}.${k}: not in fixture`);
    return diffs;
  }
  return [];
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
