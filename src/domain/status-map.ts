import { DEFAULT_STATUS_MAP } from '../shared/status-defaults';

export { DEFAULT_STATUS_MAP };

/** Normalises an incoming status word: the map's keys are upper-cased. */
export function statusKey(word: string): string {
  return word.trim().toUpperCase();
}

/** The effective map: defaults, then the admin's overrides key by key. */
export function effectiveStatusMap(overrides: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...DEFAULT_STATUS_MAP };
  for (const [k, v] of Object.entries(overrides)) out[statusKey(k)] = v;
  return out;
}

/**
 * Applies a patch to the stored overrides: an entry set to "" removes that override (the default shows again).
 * Values are kept as typed: Xray status names are case-sensitive on custom statuses.
 */
export function patchStatusOverrides(
  current: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    const key = statusKey(k);
    if (v.trim() === '') delete out[key];
    else out[key] = v.trim();
  }
  return out;
}

/** Maps one incoming status with the effective map; undefined when the word is unknown. */
export function mapStatus(map: Readonly<Record<string, string>>, word: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, statusKey(word)) ? map[statusKey(word)] : undefined;
}
