/** Small, pure formatting helpers shared by the panel and the admin page. */

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * An ISO 8601 instant as "2026-11-25 10:42 UTC".
 * UTC rather than the viewer's zone: the same run reads the same for everyone who discusses it, and in tests.
 * Anything that does not parse is shown as it came, so a backend oddity is visible rather than hidden.
 */
export function formatWhen(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "1 Test" / "250 Tests". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * A relative link to a Jira issue. Relative so that it stays on the current site whatever its host name.
 * Keys are `[A-Z0-9_]+-\d+`, but the key comes over the wire, so it is encoded anyway.
 */
export function browsePath(issueKey: string): string {
  return `/browse/${encodeURIComponent(issueKey)}`;
}
