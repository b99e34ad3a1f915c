/**
 * The admin page's pickers (`listProjects`, `listIssueTypes`, contract section 2): projects and issue types read from
 * Jira as the admin, so the Mapping tab offers what exists on the site instead of free text that may be misspelled.
 */
import { readCreateFields } from '../jira/create-metadata';
import { APP_FIELDS } from '../domain/execution-template';
import { TEST_EXECUTION_TYPE } from '../domain/xray-import';
import type { JiraPort, JiraRequest, Logger } from '../ports';
import type { AdminErrorCode } from '../shared/types';
import { JiraError } from '../jira/jira-client';
import { AppError } from '../errors/app-error';
import { msg, type Message } from '../shared/message';
import { ResolverHandlers, ResolverRequest, toEnvelope } from './envelope';

/** What the pickers need; `requireAdmin` is the admin resolver's own check, answering the caller's account id. */
export interface AdminPickerDeps {
  jira: JiraPort;
  log: Logger;
  requireAdmin(req: ResolverRequest): Promise<string>;
}

/** A project as the pickers list it. */
export interface PickerProject {
  id: string;
  key: string;
  name: string;
}

/** Jira's page size for the picker: the contract's "first 50". */
const PROJECT_PAGE = 50;
/** Longer searches are no project's name or key; they are cut, not refused, so typing on never errors. */
const MAX_QUERY_LENGTH = 100;
/** Jira project keys: letters, digits and underscores, starting with a letter. */
const PROJECT_KEY = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>)[name] : undefined;
}

async function readJson(res: { ok: boolean; status: number; text(): Promise<string> }, what: string): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new JiraError(res.status, `Jira answered ${res.status} to ${what}.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JiraError(502, `Jira answered ${what} with something that is not JSON.`);
  }
}

/** The first 50 projects the caller can browse whose key or name matches `query` (all when it is empty). */
export async function searchProjects(request: JiraRequest, query: string): Promise<PickerProject[]> {
  const params = new URLSearchParams({ maxResults: String(PROJECT_PAGE), orderBy: 'key' });
  if (query !== '') params.set('query', query);
  const res = await request(`/rest/api/3/project/search?${params.toString()}`, { headers: { Accept: 'application/json' } });
  const body = (await readJson(res, 'the project search')) as { values?: unknown };
  const values = Array.isArray(body.values) ? (body.values as Array<Record<string, unknown>>) : [];
  return values
    .filter((p) => typeof p.id === 'string' && typeof p.key === 'string')
    .map((p) => ({ id: String(p.id), key: String(p.key), name: typeof p.name === 'string' ? p.name : String(p.key) }));
}

/**
 * The issue types of a project, sub-tasks left out (neither a Test Execution nor a defect can be one); undefined
 * when the project does not exist or the caller cannot see it (Jira answers 404 for both).
 */
export async function projectIssueTypes(
  request: JiraRequest,
  projectKey: string,
): Promise<Array<{ id: string; name: string }> | undefined> {
  const res = await request(`/rest/api/3/project/${encodeURIComponent(projectKey)}`, { headers: { Accept: 'application/json' } });
  if (res.status === 404) {
    await res.text();
    return undefined;
  }
  const body = (await readJson(res, 'the project read')) as { issueTypes?: unknown };
  const types = Array.isArray(body.issueTypes) ? (body.issueTypes as Array<Record<string, unknown>>) : [];
  return types
    .filter((t) => typeof t.id === 'string' && typeof t.name === 'string' && t.subtask !== true)
    .map((t) => ({ id: String(t.id), name: String(t.name) }));
}

/** The `listProjects`, `listIssueTypes` and `listExecutionFields` handlers; each checks the admin first, then asks Jira as that admin. */
export function createAdminPickers(deps: AdminPickerDeps): ResolverHandlers {
  const fail = (code: AdminErrorCode, message: Message) => new AppError(code, message);
  return {
    listProjects: (req) =>
      toEnvelope(deps.log, req, 'listProjects', async () => {
        const accountId = await deps.requireAdmin(req);
        const query = field(req.payload, 'query');
        if (query !== undefined && typeof query !== 'string') {
          throw fail('invalid_settings', msg('apiErrors.admin.badQuery'));
        }
        const projects = await searchProjects(deps.jira.asUser(accountId), (query ?? '').trim().slice(0, MAX_QUERY_LENGTH));
        return { projects };
      }),

    listIssueTypes: (req) =>
      toEnvelope(deps.log, req, 'listIssueTypes', async () => {
        const accountId = await deps.requireAdmin(req);
        const projectKey = field(req.payload, 'projectKey');
        if (typeof projectKey !== 'string' || !PROJECT_KEY.test(projectKey.trim())) {
          throw fail('invalid_settings', msg('apiErrors.admin.badProjectKey'));
        }
        const key = projectKey.trim().toUpperCase();
        const issueTypes = await projectIssueTypes(deps.jira.asUser(accountId), key);
        if (!issueTypes) throw fail('not_found', msg('apiErrors.admin.projectNotFound', { project: key }));
        return { issueTypes };
      }),

    // The Test Execution template's pickers: the fields Jira's create metadata offers for the type in a project.
    listExecutionFields: (req) =>
      toEnvelope(deps.log, req, 'listExecutionFields', async () => {
        const accountId = await deps.requireAdmin(req);
        const projectKey = field(req.payload, 'projectKey');
        const typeName = field(req.payload, 'issueType');
        if (typeof projectKey !== 'string' || !PROJECT_KEY.test(projectKey.trim())) {
          throw fail('invalid_settings', msg('apiErrors.admin.badProjectKey'));
        }
        const key = projectKey.trim().toUpperCase();
        const type = typeof typeName === 'string' && typeName.trim() !== '' ? typeName.trim().slice(0, 255) : TEST_EXECUTION_TYPE;
        const meta = await readCreateFields(deps.jira.asUser(accountId), key, type);
        if (!meta) throw fail('not_found', msg('apiErrors.admin.projectNotFound', { project: key }));
        return {
          fields: meta
            .filter((f) => !APP_FIELDS.includes(f.fieldId))
            .map((f) => ({ id: f.fieldId, name: f.name, required: f.required, type: f.type, ...(f.allowedValues ? { allowedValues: f.allowedValues.slice(0, 200) } : {}) })),
        };
      }),
  };
}
