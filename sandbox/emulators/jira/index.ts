/**
 * Jira Cloud REST v3 emulator: the few endpoints the app calls through `requestJira`, with Jira's paths, shapes
 * and error envelopes (checked against the captured fixtures in test/fixtures/jira).
 *
 * Authentication mimics what Forge's product fetch adds: `Authorization: Bearer user:<accountId>` for
 * `api.asUser()` and `Bearer app` for `api.asApp()`. Anything else answers 401 with Jira's body.
 */
import type * as http from 'node:http';
import { Counters, listenLocal, matchRoute, readBody, sendJson, sleep, BodyTooLargeError, type RunningServer } from '../http-util';
import type { Issue, PermissionKey, StatusCategory, World } from '../world';
import { adfProblem } from './adf';
import { JqlError, runJql } from './jql';

/** Options of {@link startJiraEmulator}. */
export interface JiraEmulatorOptions {
  world: World;
  /** Delay added before every answer. */
  latencyMs?: number;
}

/**
 * Faults Jira Cloud shows now and then, by issue id (tests only: the app must never rely on these hooks). Each one
 * is a documented answer: bulkfetch's `issueErrors` ("a retriable error or payload constraint"), a 5xx, and an
 * enhanced search that leaves out the optional `isLast`.
 */
export interface JiraFaults {
  /** bulkfetch lists these issues in `issueErrors` instead of returning them. */
  issueErrors: Set<string>;
  /** Any read of these issues (GET issue, a bulkfetch naming them) answers 500. */
  serverErrors: Set<string>;
  /** Any read of these issues answers 429, Jira's rate limit (its documented answer when a site or app sends too much). */
  rateLimited: Set<string>;
  /** Enhanced search pages carry `nextPageToken` only, without `isLast` (the docs make it optional). */
  omitIsLast: boolean;
}

/** A running Jira emulator. */
export interface JiraEmulator {
  /** Base URL (`http://127.0.0.1:<port>`); paths are Jira's own (`/rest/api/3/...`). */
  url: string;
  /** Requests by `METHOD /route/{template}`; unknown routes count under `METHOD (unknown)`. */
  counters: Counters;
  /** The request handler, for in-process calls (see `RunningServer.handle`). */
  handle: RunningServer['handle'];
  /** Faults to inject; empty by default. */
  faults: JiraFaults;
  close(): Promise<void>;
}

const NOT_AUTHENTICATED = {
  errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
  errors: {},
};
const ISSUE_NOT_FOUND = {
  errorMessages: ['Issue does not exist or you do not have permission to see it.'],
  errors: {},
};
const EXPAND = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';
const ALL_FIELDS = ['issuetype', 'project', 'summary', 'labels', 'description', 'created', 'updated', 'status', 'issuelinks'];
/** Status and category ids as Jira Cloud's default workflow has them (fixtures/jira/issue.get.response.with-status.json). */
const STATUS_CATEGORIES: Record<StatusCategory, { id: number; name: string; colorName: string; statusId: string }> = {
  new: { id: 2, name: 'To Do', colorName: 'blue-gray', statusId: '10000' },
  indeterminate: { id: 4, name: 'In Progress', colorName: 'yellow', statusId: '3' },
  done: { id: 3, name: 'Done', colorName: 'green', statusId: '10001' },
};
/** Fields the create endpoint knows itself; any other key of `fields` is checked against the required ones only. */
const CREATE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'labels']);

interface PermissionInfo {
  id: string;
  name: string;
  description: string;
  type: 'PROJECT' | 'GLOBAL';
  /** What the emulated permission model answers for it. */
  basis: PermissionKey;
}

// Only keys the emulator can answer truthfully; the admin keys follow
// ADMINISTER, which is close enough for an app that only asks for BROWSE_PROJECTS, EDIT_ISSUES and ADMINISTER.
const PERMISSIONS: Record<string, PermissionInfo> = {
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT', basis: 'BROWSE_PROJECTS',
    description: 'Ability to browse projects and the issues within them.' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT', basis: 'EDIT_ISSUES',
    description: 'Ability to edit issues.' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT', basis: 'CREATE_ISSUES',
    description: 'Ability to create issues.' },
  ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL', basis: 'ADMINISTER',
    description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects.' },
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT', basis: 'ADMINISTER',
    description: 'Ability to administer a project in Jira.' },
  SYSTEM_ADMIN: { id: '44', name: 'Jira System Administrators', type: 'GLOBAL', basis: 'ADMINISTER',
    description: 'Ability to perform all administration functions.' },
};

/** A success answer other than 200 JSON (201 with a body, or 201/204 with none). */
class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

function jiraError(status: number, message: string): HttpError {
  return new HttpError(status, { errorMessages: [message], errors: {} });
}

type Handler = (ctx: {
  req: http.IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  principal: string;
  body: () => Promise<unknown>;
}) => unknown;

/** Starts the Jira emulator on 127.0.0.1 (ephemeral port). */
export async function startJiraEmulator(options: JiraEmulatorOptions): Promise<JiraEmulator> {
  const { world } = options;
  const counters = new Counters();
  const faults: JiraFaults = { issueErrors: new Set(), serverErrors: new Set(), rateLimited: new Set(), omitIsLast: false };
  const failIfFaulty = (ref: string) => {
    const issue = world.findIssue(ref);
    if (issue && faults.serverErrors.has(issue.id)) throw jiraError(500, 'Internal server error');
    if (issue && faults.rateLimited.has(issue.id)) throw jiraError(429, 'Rate limit exceeded.');
  };
  const self = (path: string): string => `${world.siteUrl}/rest/api/3/${path}`;

  const projectJson = (projectId: string): Record<string, unknown> => {
    const p = world.findProject(projectId);
    if (!p) throw new Error(`no project ${projectId}`);
    const avatar = `${world.siteUrl}/rest/api/3/universal_avatar/view/type/project/avatar/10400`;
    return {
      self: self(`project/${p.id}`),
      id: p.id,
      key: p.key,
      name: p.name,
      projectTypeKey: 'software',
      simplified: false,
      avatarUrls: { '48x48': avatar, '24x24': `${avatar}?size=small`, '16x16': `${avatar}?size=xsmall`, '32x32': `${avatar}?size=medium` },
    };
  };

  const issueTypeJson = (issue: Issue): Record<string, unknown> => {
    const t = world.typeOf(issue);
    return {
      self: self(`issuetype/${t.id}`),
      id: t.id,
      description: t.description,
      iconUrl: `${world.siteUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.avatarId}?size=medium`,
      name: t.name,
      subtask: t.subtask,
      avatarId: t.avatarId,
      entityId: entityIdOf(t.id),
      hierarchyLevel: t.hierarchyLevel,
    };
  };

  const fieldValue = (issue: Issue, field: string): unknown => {
    switch (field) {
      case 'issuetype':
        return issueTypeJson(issue);
      case 'project':
        return projectJson(issue.projectId);
      case 'summary':
        return issue.summary;
      case 'labels':
        return [...issue.labels];
      case 'description':
        return issue.description ?? null;
      case 'created':
        return jiraDate(issue.createdAt);
      case 'updated':
        return jiraDate(issue.updatedAt);
      case 'status': {
        const c = STATUS_CATEGORIES[issue.status.category];
        return {
          self: self(`status/${c.statusId}`),
          description: '',
          iconUrl: `${world.siteUrl}/`,
          name: issue.status.name,
          id: c.statusId,
          statusCategory: { self: self(`statuscategory/${c.id}`), id: c.id, key: issue.status.category, colorName: c.colorName, name: c.name },
        };
      }
      case 'issuelinks':
        return world.linksOf(issue.id).map((l) => {
          const type = world.linkTypes.find((t) => t.name === l.typeName)!;
          const otherId = l.inwardIssueId === issue.id ? l.outwardIssueId : l.inwardIssueId;
          const other = world.findIssue(otherId)!;
          const side = l.inwardIssueId === issue.id ? 'outwardIssue' : 'inwardIssue';
          return {
            id: l.id,
            self: self(`issueLink/${l.id}`),
            type: { id: type.id, name: type.name, inward: type.inward, outward: type.outward, self: self(`issueLinkType/${type.id}`) },
            [side]: { id: other.id, key: other.key, self: self(`issue/${other.id}`), fields: { summary: other.summary } },
          };
        });
      default:
        return undefined;
    }
  };

  /** `fields` as Jira reads it: `*all`/`*navigable` mean everything; unknown names are ignored. */
  const resolveFields = (requested: string[] | undefined, dflt: 'all' | 'id'): { names: string[]; key: boolean } => {
    if (requested === undefined || requested.length === 0) {
      return dflt === 'all' ? { names: ALL_FIELDS, key: true } : { names: [], key: false };
    }
    const list = requested.map((f) => f.trim()).filter((f) => f !== '' && !f.startsWith('-'));
    if (list.some((f) => f === '*all' || f === '*navigable')) return { names: ALL_FIELDS, key: true };
    return { names: list.filter((f) => ALL_FIELDS.includes(f)), key: list.includes('key') };
  };

  const issueJson = (issue: Issue, fields: { names: string[]; key: boolean }, alwaysKey: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = { expand: EXPAND, id: issue.id, self: self(`issue/${issue.id}`) };
    if (alwaysKey || fields.key) out.key = issue.key;
    // Issue get and bulkfetch always carry `fields`; search leaves it out when only id/key were asked for.
    if (fields.names.length > 0 || alwaysKey) {
      const f: Record<string, unknown> = {};
      for (const name of fields.names) f[name] = fieldValue(issue, name);
      out.fields = f;
    }
    return out;
  };

  const visibleIssue = (principal: string, idOrKey: string): Issue | undefined => {
    const issue = world.findIssue(idOrKey);
    return issue && world.canBrowse(principal, issue) ? issue : undefined;
  };

  const routes: Array<{ method: string; template: string; handler: Handler }> = [
    {
      method: 'GET',
      template: '/rest/api/3/issue/{issueIdOrKey}',
      handler: ({ params, query, principal }) => {
        failIfFaulty(params.issueIdOrKey ?? '');
        const issue = visibleIssue(principal, params.issueIdOrKey ?? '');
        if (!issue) throw new HttpError(404, ISSUE_NOT_FOUND);
        const fieldsParam = query.getAll('fields').flatMap((f) => f.split(','));
        return issueJson(issue, resolveFields(fieldsParam.length > 0 ? fieldsParam : undefined, 'all'), true);
      },
    },
    {
      method: 'POST',
      template: '/rest/api/3/issue',
      handler: async ({ body, principal }) => {
        const b = asObject(await body());
        const fields = b.fields;
        if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
          throw new HttpError(400, { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } });
        }
        const f = fields as Record<string, unknown>;
        const pref = asRef(f.project);
        if (!pref) throw new HttpError(400, { errorMessages: [], errors: { project: 'Specify a valid project ID or key' } });
        const project = world.findProject(pref);
        if (!project || !world.hasPermission(principal, 'BROWSE_PROJECTS', project.id)) {
          throw new HttpError(400, { errorMessages: [`The value '${pref}' does not exist for the field 'project'.`], warningMessages: [] });
        }
        if (!world.hasPermission(principal, 'CREATE_ISSUES', project.id)) {
          throw new HttpError(400, { errorMessages: [], errors: { project: 'You do not have permission to create issues in this project.' } });
        }
        const tref = asRef(f.issuetype);
        const type = tref ? world.issueTypesOfProject(project.id).find((t) => t.id === tref || t.name === tref) : undefined;
        // Xray's own types are created through Xray, and sub-tasks need a parent this emulator does not model.
        if (!type || type.subtask) throw new HttpError(400, { errorMessages: [], errors: { issuetype: 'The issue type selected is invalid.' } });
        const errors: Record<string, string> = {};
        if (typeof f.summary !== 'string' || f.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
        else if (f.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
        // Jira's create-issue validation: "The summary is invalid because it contains newline characters."
        else if (/[\r\n]/.test(f.summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
        if (f.description !== undefined && f.description !== null && adfProblem(f.description)) {
          errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
        }
        if (f.labels !== undefined && !(Array.isArray(f.labels) && f.labels.every((l) => typeof l === 'string' && !/\s/.test(l)))) {
          errors.labels = 'Labels must be a list of words without spaces.';
        }
        for (const req of world.requiredFieldsOf(project.id, type.id)) {
          const v = f[req.id];
          if (v === undefined || v === null || v === '') errors[req.id] = `${req.name} is required.`;
        }
        if (Object.keys(errors).length > 0) throw new HttpError(400, { errorMessages: [], errors });
        const extra: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(f)) if (!CREATE_FIELDS.has(k)) extra[k] = v;
        const created = world.createIssue({
          projectKey: project.key,
          type: type.id,
          summary: f.summary as string,
          ...(f.description !== undefined && f.description !== null ? { description: f.description } : {}),
          ...(Array.isArray(f.labels) ? { labels: f.labels as string[] } : {}),
          ...(Object.keys(extra).length > 0 ? { extraFields: extra } : {}),
        });
        return new Reply(201, { id: created.id, key: created.key, self: self(`issue/${created.id}`) });
      },
    },
    {
      method: 'POST',
      template: '/rest/api/3/issueLink',
      handler: async ({ body, principal }) => {
        const b = asObject(await body());
        const tref = asRef(b.type);
        const type = tref ? world.linkTypes.find((t) => t.id === tref || t.name.toLowerCase() === tref.toLowerCase()) : undefined;
        if (!type) throw jiraError(404, `No issue link type with name '${tref ?? ''}' found.`);
        const inRef = asRef(b.inwardIssue);
        const outRef = asRef(b.outwardIssue);
        const inward = inRef ? visibleIssue(principal, inRef) : undefined;
        const outward = outRef ? visibleIssue(principal, outRef) : undefined;
        if (!inward || !outward) throw jiraError(404, 'Issue does not exist or you do not have permission to see it.');
        // "Link Issues" is modelled by Edit Issues in either project.
        if (!world.hasPermission(principal, 'EDIT_ISSUES', inward.projectId) && !world.hasPermission(principal, 'EDIT_ISSUES', outward.projectId)) {
          throw jiraError(403, 'You do not have the permission to link issues.');
        }
        world.linkIssues(type.name, inward.id, outward.id);
        return new Reply(201);
      },
    },
    {
      method: 'POST',
      template: '/rest/api/3/issue/bulkfetch',
      handler: async ({ body, principal }) => {
        const b = asObject(await body());
        const ids = b.issueIdsOrKeys;
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' || typeof x === 'number')) {
          throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 100 issue ids or keys.');
        }
        if (ids.length > 100) throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 100 issue ids or keys.');
        const fields = resolveFields(stringList(b.fields, 'fields'), 'all');
        ids.forEach((raw) => failIfFaulty(String(raw)));
        const seen = new Set<string>();
        const issues: unknown[] = [];
        const issueErrors: Array<{ id: string; errorMessage: string }> = [];
        for (const raw of ids) {
          // Missing and hidden issues are left out silently: Jira's issueErrors is only for retriable failures.
          const issue = visibleIssue(principal, String(raw));
          if (!issue || seen.has(issue.id)) continue;
          seen.add(issue.id);
          if (faults.issueErrors.has(issue.id)) {
            issueErrors.push({ id: issue.id, errorMessage: 'The issue could not be retrieved right now. Try again later.' });
            continue;
          }
          issues.push(issueJson(issue, fields, true));
        }
        return { expand: 'schema,names', issues, issueErrors };
      },
    },
    {
      method: 'POST',
      template: '/rest/api/3/search/jql',
      handler: async ({ body, principal }) => {
        const b = asObject(await body());
        const jql = typeof b.jql === 'string' ? b.jql.trim() : '';
        if (jql === '' || /^order\s+by/i.test(jql)) {
          throw jiraError(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
        }
        const fields = resolveFields(stringList(b.fields, 'fields'), 'id');
        const idOnly = fields.names.length === 0;
        let maxResults = 50;
        if (b.maxResults !== undefined) {
          if (typeof b.maxResults !== 'number' || !Number.isInteger(b.maxResults) || b.maxResults < 0) {
            throw jiraError(400, 'maxResults must be a non-negative integer.');
          }
          // Jira caps the page silently: 5000 for id/key only, 100 when fields are asked for.
          maxResults = Math.min(b.maxResults, idOnly ? 5000 : 100);
        }
        let offset = 0;
        if (b.nextPageToken !== undefined && b.nextPageToken !== null) {
          const decoded = decodeToken(b.nextPageToken);
          if (!decoded || decoded.jql !== jql) throw jiraError(400, 'The provided next page token is invalid or expired.');
          offset = decoded.offset;
        }
        let matches: Issue[];
        try {
          matches = runJql(world, principal, jql);
        } catch (e) {
          if (e instanceof JqlError) throw jiraError(400, e.message);
          throw e;
        }
        const page = matches.slice(offset, offset + maxResults);
        const next = offset + page.length;
        const isLast = next >= matches.length;
        const out: Record<string, unknown> = { issues: page.map((i) => issueJson(i, fields, false)) };
        if (!isLast) out.nextPageToken = encodeToken(jql, next);
        if (!faults.omitIsLast) out.isLast = isLast;
        return out;
      },
    },
    {
      method: 'GET',
      template: '/rest/api/3/mypermissions',
      handler: ({ query, principal }) => {
        const wanted = (query.get('permissions') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (wanted.length === 0) throw jiraError(400, "The 'permissions' query parameter is required.");
        const unknown = wanted.filter((k) => !PERMISSIONS[k]);
        if (unknown.length > 0) throw jiraError(404, `Could not find permissions: ${unknown.join(', ')}.`);
        let projectId: string | undefined;
        const issueRef = query.get('issueId') ?? query.get('issueKey');
        const projectRef = query.get('projectId') ?? query.get('projectKey');
        if (issueRef) {
          const issue = visibleIssue(principal, issueRef);
          if (!issue) throw new HttpError(404, ISSUE_NOT_FOUND);
          projectId = issue.projectId;
        } else if (projectRef) {
          const p = world.findProject(projectRef);
          if (!p || !world.hasPermission(principal, 'BROWSE_PROJECTS', p.id)) {
            throw jiraError(404, `No project could be found with ${query.get('projectId') ? 'id' : 'key'} '${projectRef}'.`);
          }
          projectId = p.id;
        }
        const permissions: Record<string, unknown> = {};
        for (const key of wanted) {
          const info = PERMISSIONS[key] as PermissionInfo;
          permissions[key] = {
            id: info.id,
            key,
            name: info.name,
            type: info.type,
            description: info.description,
            havePermission: world.hasPermission(principal, info.basis, info.type === 'GLOBAL' ? undefined : projectId),
          };
        }
        return { permissions };
      },
    },
    {
      // GET /rest/api/3/project/search: a page of the projects the caller may browse ("Get projects paginated").
      // `query` matches the key exactly or the name and key as substrings, case-insensitively; ordered by key.
      method: 'GET',
      template: '/rest/api/3/project/search',
      handler: ({ query, principal }) => {
        const startAt = Math.max(0, Number(query.get('startAt') ?? 0) || 0);
        const maxResults = Math.min(100, Math.max(1, Number(query.get('maxResults') ?? 50) || 50));
        const q = (query.get('query') ?? '').trim().toLowerCase();
        const visible = world
          .listProjects()
          .filter((p) => world.hasPermission(principal, 'BROWSE_PROJECTS', p.id))
          .filter((p) => q === '' || p.key.toLowerCase().includes(q) || p.name.toLowerCase().includes(q))
          .sort((a, b) => a.key.localeCompare(b.key));
        const values = visible.slice(startAt, startAt + maxResults).map((p) => ({ ...projectJson(p.id), isPrivate: false, properties: {} }));
        const params = new URLSearchParams(query);
        params.set('startAt', String(startAt + maxResults));
        const isLast = startAt + maxResults >= visible.length;
        return {
          self: self(`project/search?${query.toString()}`),
          ...(isLast ? {} : { nextPage: self(`project/search?${params.toString()}`) }),
          maxResults,
          startAt,
          total: visible.length,
          isLast,
          values,
        };
      },
    },
    {
      method: 'GET',
      template: '/rest/api/3/project/{projectIdOrKey}',
      handler: ({ params, principal }) => {
        const ref = params.projectIdOrKey ?? '';
        const p = world.findProject(ref);
        if (!p || !world.hasPermission(principal, 'BROWSE_PROJECTS', p.id)) {
          throw jiraError(404, `No project could be found with ${/^\d+$/.test(ref) ? 'id' : 'key'} '${ref}'.`);
        }
        return {
          ...projectJson(p.id),
          issueTypes: world.issueTypesOfProject(p.id).map((t) => ({
            self: self(`issuetype/${t.id}`), id: t.id, description: t.description, name: t.name,
            subtask: t.subtask, avatarId: t.avatarId, hierarchyLevel: t.hierarchyLevel,
          })),
          style: 'classic',
          isPrivate: false,
        };
      },
    },
    {
      // Jira Cloud REST v3, "Get create field metadata for a project and issue type id": the fields an issue of the
      // type can be created with in the project, each with `required`, `schema` and, for pickers, `allowedValues`.
      method: 'GET',
      template: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
      handler: ({ params, principal }) => {
        const ref = params.projectIdOrKey ?? '';
        const p = world.findProject(ref);
        if (!p || !world.hasPermission(principal, 'BROWSE_PROJECTS', p.id) || !world.hasPermission(principal, 'CREATE_ISSUES', p.id)) {
          throw jiraError(404, `No project could be found with ${/^\d+$/.test(ref) ? 'id' : 'key'} '${ref}'.`);
        }
        const type = world.issueTypesOfProject(p.id).find((t) => t.id === params.issueTypeId);
        if (!type) throw jiraError(404, `Issue type with id '${params.issueTypeId ?? ''}' does not exist or is not in the project.`);
        const required = new Set(world.requiredFieldsOf(p.id, type.id).map((f) => f.id));
        const field = (fieldId: string, name: string, schema: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
          required: required.has(fieldId) || ['summary', 'issuetype', 'project'].includes(fieldId),
          schema,
          name,
          key: fieldId,
          fieldId,
          hasDefaultValue: false,
          operations: schema.type === 'array' ? ['add', 'set', 'remove'] : ['set'],
          ...extra,
        });
        const fields = [
          field('summary', 'Summary', { type: 'string', system: 'summary' }),
          field('issuetype', 'Issue Type', { type: 'issuetype', system: 'issuetype' }),
          field('project', 'Project', { type: 'project', system: 'project' }),
          field('description', 'Description', { type: 'string', system: 'description' }),
          field('labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }),
          field('fixVersions', 'Fix versions', { type: 'array', items: 'version', system: 'fixVersions' }, {
            allowedValues: world.versionsOf(p.id).map((name, i) => ({ id: String(10100 + i), name, archived: false, released: false })),
          }),
          field('components', 'Components', { type: 'array', items: 'component', system: 'components' }, {
            allowedValues: world.componentsOf(p.id).map((name, i) => ({ id: String(10200 + i), name })),
          }),
          ...world.customFieldsOf(p.id, type.id).map((f) =>
            field(f.id, f.name, { ...f.schema, customId: Number(f.id.replace('customfield_', '')) }, f.allowedValues
              ? { allowedValues: f.allowedValues.map((value, i) => ({ id: String(10300 + i), value })) }
              : {}),
          ),
        ];
        return { startAt: 0, maxResults: 50, total: fields.length, fields };
      },
    },
    {
      method: 'GET',
      template: '/rest/api/3/issuetype',
      handler: () =>
        world.listIssueTypes().map((t) => ({
          self: self(`issuetype/${t.id}`),
          id: t.id,
          description: t.description,
          iconUrl: `${world.siteUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.avatarId}?size=medium`,
          name: t.name,
          untranslatedName: t.name,
          subtask: t.subtask,
          avatarId: t.avatarId,
          hierarchyLevel: t.hierarchyLevel,
        })),
    },
    {
      method: 'GET',
      template: '/rest/api/3/myself',
      handler: ({ principal }) => {
        if (principal === 'app') {
          return { self: self('user?accountId=app'), accountId: 'app', accountType: 'app', displayName: 'Testsigma links for Xray', active: true, timeZone: 'UTC', locale: 'en_US' };
        }
        const a = world.findAccount(principal);
        return {
          self: self(`user?accountId=${principal}`),
          accountId: principal,
          accountType: 'atlassian',
          emailAddress: a?.emailAddress,
          displayName: a?.displayName ?? principal,
          active: true,
          timeZone: 'UTC',
          locale: 'en_US',
        };
      },
    },
  ];

  const server = await listenLocal(async (req, res) => {
    await sleep(options.latencyMs ?? 0);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    let matched: { handler: Handler; params: Record<string, string>; template: string } | undefined;
    let pathKnown = false;
    for (const r of routes) {
      const params = matchRoute(r.template, url.pathname);
      if (!params) continue;
      pathKnown = true;
      if (r.method === method) {
        matched = { handler: r.handler, params, template: r.template };
        break;
      }
    }
    // Jira prefers the literal route (bulkfetch) over the templated one (issue/{id}) only for its own method.
    counters.inc(`${method} ${matched?.template ?? '(unknown)'}`);
    const principal = principalOf(req, world);
    if (!principal) {
      sendJson(res, 401, NOT_AUTHENTICATED);
      return;
    }
    if (!matched) {
      if (pathKnown) sendJson(res, 405, { errorMessages: [`Method ${method} is not allowed here.`], errors: {} });
      else sendJson(res, 404, { errorMessages: ['null for uri: ' + url.pathname], errors: {} });
      return;
    }
    try {
      const result = await matched.handler({
        req,
        params: matched.params,
        query: url.searchParams,
        principal,
        body: async () => {
          let raw: Buffer;
          try {
            raw = await readBody(req, 10 * 1024 * 1024);
          } catch (e) {
            if (e instanceof BodyTooLargeError) throw jiraError(413, 'Request entity too large.');
            throw e;
          }
          try {
            return JSON.parse(raw.toString('utf8')) as unknown;
          } catch {
            throw jiraError(400, 'Unexpected character in the request body: the body must be JSON.');
          }
        },
      });
      if (result instanceof Reply) {
        if (result.body === undefined) res.writeHead(result.status, { 'content-length': '0' }).end();
        else sendJson(res, result.status, result.body);
      } else {
        sendJson(res, 200, result);
      }
    } catch (e) {
      if (e instanceof HttpError) sendJson(res, e.status, e.body);
      else throw e;
    }
  });

  return { url: server.url, counters, faults, handle: server.handle, close: server.close };
}

/** A stable UUID-looking entity id per issue type (Jira Cloud sends one for team-managed types). */
function entityIdOf(typeId: string): string {
  const hex = Buffer.from(`issuetype-${typeId}`).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function principalOf(req: http.IncomingMessage, world: World): string | undefined {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  if (!m) return undefined;
  const token = (m[1] ?? '').trim();
  if (token === 'app') return 'app';
  if (token.startsWith('user:')) {
    const id = token.slice('user:'.length);
    return world.findAccount(id) ? id : undefined;
  }
  return undefined;
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw jiraError(400, 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

/** `{ key }`, `{ id }` or `{ name }` of a reference field, as Jira accepts them. */
function asRef(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as { key?: unknown; id?: unknown; name?: unknown };
  for (const x of [r.key, r.id, r.name]) if (typeof x === 'string' && x !== '') return x;
  if (typeof r.id === 'number') return String(r.id);
  return undefined;
}

function stringList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.split(',');
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw jiraError(400, `${name} must be a list of strings.`);
}

function encodeToken(jql: string, offset: number): string {
  return Buffer.from(JSON.stringify({ jql, offset })).toString('base64url');
}

function decodeToken(token: unknown): { jql: string; offset: number } | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { jql?: unknown; offset?: unknown };
    if (typeof v.jql === 'string' && typeof v.offset === 'number') return { jql: v.jql, offset: v.offset };
  } catch {
    // fall through: an unreadable token is an invalid one
  }
  return undefined;
}

/** Jira's timestamp format: `2026-11-25T10:00:00.000+0000`. */
function jiraDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
