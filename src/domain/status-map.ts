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

/**
 * How two status names compare across sites: without case and without spaces, so the map's "TODO" is the site's
 * "TO DO" and "in progress" its "IN PROGRESS".
 */
export function statusMatchKey(name: string): string {
  return name.replace(/\s+/g, '').toUpperCase();
}

/** What one incoming word becomes on a site. */
export type StatusOutcome =
  /** Send the result with this status: the site's own spelling of the map's target. */
  | { kind: 'send'; status: string }
  /** The status map has no entry for the word. */
  | { kind: 'unknown_word' }
  /** The map's target matches none of the site's statuses: the result is not sent. */
  | { kind: 'missing_target'; target: string };

/**
 * The status map as one site reads it: each incoming word through the effective map, then each target to the
 * site's own status name. Without the site's statuses (not read yet) targets are sent as the map spells them.
 */
export interface SiteStatusMap {
  outcome(word: string): StatusOutcome;
  /** The site's statuses it resolves against, in the site's order (undefined: not known). */
  readonly siteStatuses?: readonly string[];
}

/** Builds the site's reading of the effective map. Pure; the caller decides where the site's statuses come from. */
export function siteStatusMap(map: Readonly<Record<string, string>>, siteStatuses?: readonly string[]): SiteStatusMap {
  const byKey = new Map<string, string>();
  for (const s of siteStatuses ?? []) if (!byKey.has(statusMatchKey(s))) byKey.set(statusMatchKey(s), s);
  return {
    ...(siteStatuses ? { siteStatuses: [...siteStatuses] } : {}),
    outcome(word: string): StatusOutcome {
      const target = mapStatus(map, word);
      if (target === undefined) return { kind: 'unknown_word' };
      if (!siteStatuses) return { kind: 'send', status: target };
      const status = byKey.get(statusMatchKey(target));
      return status === undefined ? { kind: 'missing_target', target } : { kind: 'send', status };
    },
  };
}

/** The map's targets that match none of the site's statuses (compared by {@link statusMatchKey}), each once. */
export function missingTargets(map: Readonly<Record<string, string>>, siteStatuses: readonly string[]): string[] {
  const have = new Set(siteStatuses.map(statusMatchKey));
  return [...new Set(Object.values(map))].filter((t) => !have.has(statusMatchKey(t)));
}
