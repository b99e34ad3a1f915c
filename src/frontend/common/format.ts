/** Small, pure helpers shared by the panel and the admin page: Jira paths and how Testsigma ids are written. */

/**
 * A relative link to a Jira issue. Relative so that it stays on the current site whatever its host name.
 * Keys are `[A-Z0-9_]+-\d+`, but the key comes over the wire, so it is encoded anyway.
 */
export function browsePath(issueKey: string): string {
  return `/browse/${encodeURIComponent(issueKey)}`;
}

/** Jira's issue navigator on a JQL query. */
export function jqlPath(jql: string): string {
  return `/issues/?jql=${encodeURIComponent(jql)}`;
}

/** A JQL query that finds exactly these issues (`key in (...)`), for "show all" links. */
export function keysJql(keys: readonly string[]): string {
  return `key in (${keys.map((k) => `"${k.replace(/"/g, '')}"`).join(', ')}) ORDER BY key ASC`;
}

/**
 * A Testsigma id as people read it: "#609". Never "TS-609", which reads like the key of a Jira issue in a
 * project TS; the sentences around it say which Testsigma thing it is ("test case #609").
 */
export function displayId(testsigmaId: string): string {
  return `#${testsigmaId}`;
}
