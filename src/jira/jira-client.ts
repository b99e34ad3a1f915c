import type { HttpResponseLike, JiraRequest } from '../ports';
import { chunk } from '../store/kvs-port';

/** An issue as the app needs it. */
export interface JiraIssue {
  id: string;
  key: string;
  typeName: string;
  projectKey: string;
  projectId: string;
  summary?: string;
  /** Jira's `created`, parsed (ms): read by searches only. */
  createdMs?: number;
}

/** A Jira answer the app could not use; `status` tells callers whether it was a missing issue, a denial or a fault. */
export class JiraError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'JiraError';
  }
}

const ISSUE_FIELDS = 'issuetype,project,summary';
/** Bulk reads in flight at once. */
const BULK_FETCH_CONCURRENCY = 4;

interface RawIssue {
  id?: unknown;
  key?: unknown;
  fields?: { issuetype?: { name?: unknown }; project?: { key?: unknown; id?: unknown }; summary?: unknown; created?: unknown };
}

function toIssue(raw: RawIssue): JiraIssue | undefined {
  if (typeof raw.id !== 'string' || typeof raw.key !== 'string') return undefined;
  return {
    id: raw.id,
    key: raw.key,
    typeName: String(raw.fields?.issuetype?.name ?? ''),
    projectKey: String(raw.fields?.project?.key ?? ''),
    projectId: String(raw.fields?.project?.id ?? ''),
    ...(typeof raw.fields?.summary === 'string' ? { summary: raw.fields.summary } : {}),
    ...(typeof raw.fields?.created === 'string' && !Number.isNaN(Date.parse(raw.fields.created)) ? { createdMs: Date.parse(raw.fields.created) } : {}),
  };
}

/** Reads Jira's JSON answer; a refusal throws with Jira's own error messages, an answer that is no JSON with a 502. */
export async function readJson<T>(res: HttpResponseLike, what: string): Promise<T> {
  const text = await res.text();
  if (!res.ok) {
    let detail = '';
    try {
      const body = JSON.parse(text) as { errorMessages?: string[]; errors?: Record<string, string> };
      detail = [...(body.errorMessages ?? []), ...Object.values(body.errors ?? {})].join(' ');
    } catch {
      detail = '';
    }
    throw new JiraError(res.status, `Jira answered ${res.status} to ${what}${detail ? `: ${detail}` : ''}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new JiraError(502, `Jira answered ${what} with something that is not JSON.`);
  }
}

/** Reads one issue; undefined when it does not exist or the caller may not see it (Jira says 404 for both). */
export async function getIssue(request: JiraRequest, idOrKey: string): Promise<JiraIssue | undefined> {
  const res = await request(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}?fields=${ISSUE_FIELDS}`, {
    headers: { Accept: 'application/json' },
  });
  if (res.status === 404 || res.status === 403) {
    await res.text();
    return undefined;
  }
  return toIssue(await readJson<RawIssue>(res, 'the issue read'));
}

/**
 * Which of the named permissions the caller has, on an issue or globally (ADMINISTER). Every asked key comes back,
 * false when Jira leaves it out.
 */
export async function myPermissions(
  request: JiraRequest,
  permissions: readonly string[],
  scope: { issueId?: string; projectKey?: string } = {},
): Promise<Record<string, boolean>> {
  const params = new URLSearchParams({ permissions: permissions.join(',') });
  if (scope.issueId) params.set('issueId', scope.issueId);
  else if (scope.projectKey) params.set('projectKey', scope.projectKey);
  const res = await request(`/rest/api/3/mypermissions?${params.toString()}`, { headers: { Accept: 'application/json' } });
  const body = await readJson<{ permissions?: Record<string, { havePermission?: boolean }> }>(res, 'the permission check');
  const out: Record<string, boolean> = {};
  for (const p of permissions) out[p] = body.permissions?.[p]?.havePermission === true;
  return out;
}

/** Status of the JiraError for issues Jira could not return this time: a retriable fault, like a 503. */
export const ISSUES_UNAVAILABLE = 503;

/**
 * Reads issues by id in bulk (100 a call) through `POST /rest/api/3/issue/bulkfetch`, which reads the issues
 * themselves rather than the search index, so it sees current keys at once. Missing ids (deleted, or hidden from
 * the caller) are absent from the map. An issue Jira lists in `issueErrors` ("a retriable error or payload
 * constraint") is neither: the read throws a retriable `JiraError`, so no caller mistakes it for a deleted one.
 */
export async function bulkFetchIssues(request: JiraRequest, ids: readonly string[]): Promise<Map<string, JiraIssue>> {
  const out = new Map<string, JiraIssue>();
  const parts = chunk([...new Set(ids)], 100);
  // A few reads at a time: a 5,000-Test run is 50 reads, too slow one by one, too many for Jira all at once.
  for (const wave of chunk(parts, BULK_FETCH_CONCURRENCY)) {
    const bodies = await Promise.all(
      wave.map(async (part) => {
        const res = await request('/rest/api/3/issue/bulkfetch', {
          method: 'POST',
          headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
          body: JSON.stringify({ issueIdsOrKeys: part, fields: ISSUE_FIELDS.split(',') }),
        });
        return readJson<{ issues?: RawIssue[]; issueErrors?: Array<{ id?: unknown; errorMessage?: unknown }> }>(res, 'the bulk issue read');
      }),
    );
    const unavailable = bodies.flatMap((b) => (Array.isArray(b.issueErrors) ? b.issueErrors : []));
    if (unavailable.length > 0) {
      const ids = unavailable.map((e) => String(e?.id ?? '?')).slice(0, 10).join(', ');
      const said = unavailable.map((e) => (typeof e?.errorMessage === 'string' ? e.errorMessage : '')).find((m) => m !== '');
      throw new JiraError(ISSUES_UNAVAILABLE, `Jira could not return issue${unavailable.length === 1 ? '' : 's'} ${ids} this time${said ? ` (${said})` : ''}`);
    }
    for (const body of bodies) {
      for (const raw of body.issues ?? []) {
        const issue = toIssue(raw);
        if (issue) out.set(issue.id, issue);
      }
    }
  }
  return out;
}

/** Runs a JQL search (`POST /rest/api/3/search/jql`), following `nextPageToken` up to `max` issues. */
export async function searchIssues(request: JiraRequest, jql: string, max = 100): Promise<JiraIssue[]> {
  const out: JiraIssue[] = [];
  let nextPageToken: string | undefined;
  do {
    const res = await request('/rest/api/3/search/jql', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      // The enhanced search returns only `id` unless asked: `key` is a field there like any other.
      // `created` tells an issue made by the run's create from one labelled before it (sync/test-execution).
      body: JSON.stringify({ jql, fields: ['key', ...ISSUE_FIELDS.split(','), 'created'], maxResults: Math.min(100, max - out.length), ...(nextPageToken ? { nextPageToken } : {}) }),
    });
    const body = await readJson<{ issues?: RawIssue[]; nextPageToken?: string | null; isLast?: boolean }>(res, 'the search');
    for (const raw of body.issues ?? []) {
      const issue = toIssue(raw);
      if (issue) out.push(issue);
    }
    // The docs promise `nextPageToken` (null or absent on the last page); `isLast` is optional and only a hint.
    const token = typeof body.nextPageToken === 'string' && body.nextPageToken !== '' ? body.nextPageToken : undefined;
    nextPageToken = body.isLast === true || token === nextPageToken ? undefined : token;
  } while (nextPageToken && out.length < max);
  return out;
}

/** Reads a project, to check a default project key; undefined when it does not exist or is hidden. */
export async function getProject(request: JiraRequest, key: string): Promise<{ id: string; key: string } | undefined> {
  const res = await request(`/rest/api/3/project/${encodeURIComponent(key)}`, { headers: { Accept: 'application/json' } });
  if (res.status === 404) {
    await res.text();
    return undefined;
  }
  const body = await readJson<{ id?: string; key?: string }>(res, 'the project read');
  return body.id && body.key ? { id: body.id, key: body.key } : undefined;
}

/** Jira's status categories: `done` means resolved, whatever the workflow calls the status. */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

/** An issue's status category; undefined when the issue is gone or hidden (404). */
export async function getStatusCategory(request: JiraRequest, idOrKey: string): Promise<StatusCategoryKey | undefined> {
  const res = await request(`/rest/api/3/issue/${encodeURIComponent(idOrKey)}?fields=status`, { headers: { Accept: 'application/json' } });
  if (res.status === 404 || res.status === 403) {
    await res.text();
    return undefined;
  }
  const body = await readJson<{ fields?: { status?: { statusCategory?: { key?: unknown } } } }>(res, 'the status read');
  const key = body.fields?.status?.statusCategory?.key;
  // A category Jira may add later is treated as open: a defect is only "resolved" when Jira says done.
  return key === 'done' || key === 'new' || key === 'indeterminate' ? key : 'indeterminate';
}

/** What {@link createIssue} sends as `fields`. */
export interface NewIssueFields {
  projectKey: string;
  issueTypeName: string;
  summary: string;
  /** An Atlassian Document Format document. */
  description: unknown;
}

/** Creates an issue (`POST /rest/api/3/issue`); Jira's field errors come back in the {@link JiraError}'s message. */
export async function createIssue(request: JiraRequest, f: NewIssueFields): Promise<{ id: string; key: string }> {
  const res = await request('/rest/api/3/issue', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({
      fields: { project: { key: f.projectKey }, issuetype: { name: f.issueTypeName }, summary: f.summary, description: f.description },
    }),
  });
  const body = await readJson<{ id?: unknown; key?: unknown }>(res, 'the issue create');
  if (typeof body.id !== 'string' || typeof body.key !== 'string') throw new JiraError(502, 'Jira answered the issue create without the new issue\'s id and key.');
  return { id: body.id, key: body.key };
}

/** Links two issues (`POST /rest/api/3/issueLink`, 201 with no body), e.g. type `Relates`. */
export async function linkIssues(request: JiraRequest, typeName: string, inwardKey: string, outwardKey: string): Promise<void> {
  const res = await request('/rest/api/3/issueLink', {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: { name: typeName }, inwardIssue: { key: inwardKey }, outwardIssue: { key: outwardKey } }),
  });
  if (res.ok) {
    await res.text();
    return;
  }
  await readJson<unknown>(res, 'the issue link');
}
