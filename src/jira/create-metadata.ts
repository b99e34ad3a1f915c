/**
 * Jira's create metadata for one issue type in one project (`GET /rest/api/3/issue/createmeta/{project}/issuetypes/
 * {typeId}`): the fields an issue can be created with, which are required, their shapes and, for pickers, the values
 * they allow. The Test Execution template is checked against it, and Xray's Revision field is found in it by name.
 */
import type { JiraRequest } from '../ports';
import { readJson } from './jira-client';
import type { CreateField } from '../domain/execution-template';

/** Fields read at most; Jira pages create metadata at 50 by default. */
const MAX_FIELDS = 500;

/** Jira's answer, or undefined for a 404 (a project hidden from the caller, or gone). */
async function json<T>(request: JiraRequest, path: string, what: string): Promise<T | undefined> {
  const res = await request(path, { headers: { Accept: 'application/json' } });
  if (res.status === 404) return undefined;
  return readJson<T>(res, what);
}

/**
 * The create fields of the issue type named `typeName` in `projectKey`, or undefined when the project is hidden or
 * missing, or does not offer that type. Two Jira requests and more only for a type with over 50 fields.
 */
export async function readCreateFields(request: JiraRequest, projectKey: string, typeName: string): Promise<CreateField[] | undefined> {
  const project = await json<{ issueTypes?: Array<{ id?: unknown; name?: unknown }> }>(
    request,
    `/rest/api/3/project/${encodeURIComponent(projectKey)}`,
    'the project read',
  );
  const type = project?.issueTypes?.find((t) => typeof t.name === 'string' && t.name.toLowerCase() === typeName.toLowerCase());
  if (!type || (typeof type.id !== 'string' && typeof type.id !== 'number')) return undefined;
  const out: CreateField[] = [];
  for (let startAt = 0; startAt < MAX_FIELDS; ) {
    const page = await json<{ fields?: unknown[]; values?: unknown[]; results?: unknown[]; total?: unknown }>(
      request,
      `/rest/api/3/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes/${encodeURIComponent(String(type.id))}?startAt=${startAt}&maxResults=50`,
      'the create metadata read',
    );
    if (!page) return undefined;
    // The page's list is `fields` in Jira's reference; older answers call it `values`.
    const items = page.fields ?? page.values ?? page.results ?? [];
    for (const raw of items) {
      const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const fieldId = typeof f.fieldId === 'string' ? f.fieldId : typeof f.key === 'string' ? f.key : undefined;
      if (!fieldId) continue;
      const schema = (typeof f.schema === 'object' && f.schema !== null ? f.schema : {}) as Record<string, unknown>;
      const allowed = Array.isArray(f.allowedValues)
        ? (f.allowedValues as Array<Record<string, unknown>>).map((v) => String(v?.name ?? v?.value ?? v?.id ?? ''))
        : undefined;
      out.push({
        fieldId,
        name: typeof f.name === 'string' ? f.name : fieldId,
        required: f.required === true,
        type: typeof schema.type === 'string' ? schema.type : 'any',
        ...(typeof schema.items === 'string' ? { items: schema.items } : {}),
        ...(allowed ? { allowedValues: allowed } : {}),
      });
    }
    const total = typeof page.total === 'number' ? page.total : 0;
    startAt += items.length;
    if (items.length === 0 || startAt >= total) break;
  }
  return out;
}
