/**
 * The shared state of one emulated Jira Cloud site, with Xray living inside it (as it does in production: Xray
 * data hangs off Jira issue ids). The Jira and Xray emulators read and change this model; tests and the sandbox
 * seed it through plain method calls.
 *
 * Ids are numeric strings and keys are `PROJ-N`, like Jira's. Moving an issue changes its key and keeps its id;
 * the old key still resolves (Jira answers old keys with the issue under its new key).
 */
import { randomBytes } from 'node:crypto';

/** Permissions the emulators model. `ADMINISTER` is global; the others are per project. */
export type PermissionKey = 'BROWSE_PROJECTS' | 'EDIT_ISSUES' | 'CREATE_ISSUES' | 'ADMINISTER';

/** Jira's status categories (`fields.status.statusCategory.key`). */
export type StatusCategory = 'new' | 'indeterminate' | 'done';

/** A Jira issue link type, with the words Jira shows on each side. */
export interface IssueLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

/** A link between two issues (`POST /rest/api/3/issueLink`). */
export interface IssueLink {
  id: string;
  typeName: string;
  inwardIssueId: string;
  outwardIssueId: string;
}

/** A field Jira requires when an issue of a type is created in a project (as a field configuration would). */
export interface RequiredField {
  id: string;
  name: string;
  /** Its type, as create metadata's `schema` gives it (a required custom field defaults to a string). */
  schema?: { type: string; items?: string; custom?: string };
  /** The values a select list offers (`allowedValues`: `{ id, value }`). */
  allowedValues?: string[];
}

/**
 * A custom field on the create screen of issue types of some Xray kinds (Jira's create metadata,
 * `GET /rest/api/3/issue/createmeta/{project}/issuetypes/{type}`).
 */
export interface CustomField {
  id: string;
  name: string;
  schema: { type: string; items?: string; custom?: string };
  /** The Xray kinds whose issue types offer it; every type when absent. */
  kinds?: XrayKind[];
  allowedValues?: string[];
}

/**
 * Xray Cloud's "Revision" field of Test Executions (Xray docs, "Import Execution Results": the multipart import sets
 * it as a Jira field by its id, which differs per site, so the app finds it by name).
 */
export const REVISION_FIELD: CustomField = {
  id: 'customfield_10034',
  name: 'Revision',
  schema: { type: 'string', custom: 'com.xpandit.plugins.xray:test-execution-revision-custom-field' },
  kinds: ['testExecution'],
};

/** What Xray does with an issue type. `null` for plain Jira types (Task, Bug, ...). */
export type XrayKind = 'test' | 'testSet' | 'testPlan' | 'testExecution' | 'precondition' | 'subTestExecution';

/** A Jira project. */
export interface Project {
  id: string;
  key: string;
  name: string;
}

/** A Jira issue type. `kind` links renamed types to what Xray treats them as. */
export interface IssueType {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  hierarchyLevel: number;
  avatarId: number;
  kind: XrayKind | null;
}

/** A Jira issue as the emulators keep it. */
export interface Issue {
  id: string;
  key: string;
  /** Keys the issue had before moves, oldest first; they still resolve. */
  previousKeys: string[];
  projectId: string;
  typeId: string;
  summary: string;
  description?: unknown;
  labels: string[];
  createdAt: number;
  updatedAt: number;
  /** Xray test type of a Test issue (`Manual`/`Steps`, `Generic`/`Unstructured`, `Cucumber`/`Gherkin`). */
  testType?: { id: string; name: string; kind: string };
  /** Workflow status; new issues are "To Do" (category `new`). */
  status: { name: string; category: StatusCategory };
  /** Custom and system fields given at create time beyond the ones above, as sent. */
  extraFields?: Record<string, unknown>;
  /** A Generic (unstructured) Test's definition: Xray finds the Test again by it (GraphQL `unstructured`). */
  definition?: string;
}

/** A Jira account and its permissions. */
export interface Account {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  admin: boolean;
  /** Project id -> permissions; the key `*` means every project. */
  projectPermissions: Map<string, Set<PermissionKey>>;
}

/** A Test Run status, as Xray's `getStatuses` reports it (`name` is nullable in Xray's schema, and seen null). */
export interface RunStatus {
  name: string | null;
  description: string;
  color: string;
  final: boolean;
}

/** One evidence file on a Test Run. */
export interface Evidence {
  id: string;
  filename: string;
  mimeType: string;
  /** Base64 as received. */
  data: string;
  size: number;
  createdOn: string;
}

/** One iteration of a data-driven Test Run (only kept so that imports with iterations can be read back). */
export interface RunIteration {
  rank: string;
  name?: string;
  parameters: Array<{ name: string; value: string }>;
  status: string;
  log?: string;
}

/** A Test Run: one Test inside one Test Execution. */
export interface TestRun {
  /** Xray Cloud run ids are 24-hex object ids, not Jira ids. */
  id: string;
  testIssueId: string;
  testExecIssueId: string;
  status: string;
  comment?: string;
  startedOn?: string;
  finishedOn?: string;
  evidence: Evidence[];
  defects: string[];
  iterations: RunIteration[];
  createdAt: number;
  updatedAt: number;
}

/** What {@link World.createIssue} takes. */
export interface CreateIssueInput {
  projectKey: string;
  /** Issue type name (current name, so renamed types work) or id. */
  type: string;
  summary: string;
  labels?: string[];
  description?: unknown;
  /** For Tests: the Xray test type name; defaults to Manual. */
  testType?: string;
  /** Forces the issue id (numeric string, unused) so fixtures' ids can be seeded. */
  id?: string;
  /** Forces the key's number (e.g. 100 for `DEMO-100`) so fixtures' keys can be seeded; must be unused. */
  number?: number;
  /** Other fields sent at create (custom fields a project requires). */
  extraFields?: Record<string, unknown>;
  /** For Generic Tests: the definition. */
  definition?: string;
}

/** Options for a new {@link World}. */
export interface WorldOptions {
  /** Clock used for creation times, index lag and run timestamps. Defaults to `Date.now`. */
  now?: () => number;
  /** The site's base URL, used in `self` links. */
  siteUrl?: string;
  /** Initial search index lag. */
  searchIndexLagMs?: number;
}

const DEFAULT_TYPES: ReadonlyArray<Omit<IssueType, 'avatarId'> & { avatarId: number }> = [
  // Ids and descriptions follow the captured Xray issue types (fixtures/jira/issuetype.list.response.xray-types.json).
  { id: '10005', name: 'Test', kind: 'test', subtask: false, hierarchyLevel: 0, avatarId: 10512,
    description: 'This is the Xray Test Issue Type. Used to define test cases of different types that can be executed multiple times using Test Execution issues.' },
  { id: '10006', name: 'Test Set', kind: 'testSet', subtask: false, hierarchyLevel: 0, avatarId: 10513,
    description: 'This is the Xray Test Set Issue Type. Creates a group of test cases.' },
  { id: '10007', name: 'Test Plan', kind: 'testPlan', subtask: false, hierarchyLevel: 0, avatarId: 10514,
    description: 'This is the Xray Test Plan Issue Type. Used to define the scope of test cases for a given test campaign.' },
  { id: '10008', name: 'Test Execution', kind: 'testExecution', subtask: false, hierarchyLevel: 0, avatarId: 10515,
    description: 'This is the Xray Test Execution Issue Type. Used to execute test cases already defined.' },
  { id: '10009', name: 'Precondition', kind: 'precondition', subtask: false, hierarchyLevel: 0, avatarId: 10516,
    description: 'This is the Xray Precondition Issue Type.' },
  { id: '10010', name: 'Sub Test Execution', kind: 'subTestExecution', subtask: true, hierarchyLevel: -1, avatarId: 10517,
    description: 'This is the Xray Sub Test Execution Issue Type.' },
  { id: '10001', name: 'Task', kind: null, subtask: false, hierarchyLevel: 0, avatarId: 10318,
    description: 'Tasks track small, distinct pieces of work.' },
  { id: '10002', name: 'Bug', kind: null, subtask: false, hierarchyLevel: 0, avatarId: 10303,
    description: 'Bugs track problems or errors.' },
];

/** Xray Cloud's built-in Test Run statuses (colours as Xray Cloud ships them; PASSED's is in the getTestRun fixture). */
export const DEFAULT_STATUSES: readonly RunStatus[] = [
  { name: 'PASSED', description: 'The test run has passed', color: '#95C160', final: true },
  { name: 'FAILED', description: 'The test run has failed', color: '#D45D52', final: true },
  { name: 'TODO', description: 'The test run has not started', color: '#A2A6AE', final: false },
  { name: 'EXECUTING', description: 'The test run is currently being executed', color: '#F1E069', final: false },
  { name: 'ABORTED', description: 'The test run was aborted', color: '#111111', final: true },
];

const TEST_TYPES: Record<string, { id: string; name: string; kind: string }> = {
  manual: { id: '5e42b1d4d0257f0016808eef', name: 'Manual', kind: 'Steps' },
  cucumber: { id: '5e42b1d4d0257f0016808ef0', name: 'Cucumber', kind: 'Gherkin' },
  generic: { id: '5e42b1d4d0257f0016808ef1', name: 'Generic', kind: 'Unstructured' },
};

/** Thrown by world methods on a bad reference (unknown project, issue, type, account). */
export class WorldError extends Error {}

/** The in-memory Jira site with its Xray data. */
export class World {
  /** Clock shared with the emulators. */
  readonly now: () => number;
  /** Base URL used in `self` links. */
  siteUrl: string;

  private readonly projects = new Map<string, Project>();
  private readonly issueTypes: IssueType[] = DEFAULT_TYPES.map((t) => ({ ...t }));
  private readonly issues = new Map<string, Issue>();
  private readonly keyIndex = new Map<string, string>();
  private readonly projectCounters = new Map<string, number>();
  private readonly accounts = new Map<string, Account>();
  /** Project id -> the issue type ids its scheme offers; a project absent here offers every type. */
  private readonly projectTypes = new Map<string, string[]>();
  /** `<projectId>:<typeId>` -> fields required at create. */
  private readonly requiredFields = new Map<string, RequiredField[]>();
  private readonly issueLinks: IssueLink[] = [];
  private readonly customFields: CustomField[] = [{ ...REVISION_FIELD }];
  /** Project id -> its versions (fixVersions) and components, by name. */
  private readonly versions = new Map<string, string[]>();
  private readonly components = new Map<string, string[]>();
  private nextLinkId = 10000;
  /** Jira Cloud's default link types. */
  readonly linkTypes: readonly IssueLinkType[] = [
    { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
    { id: '10001', name: 'Cloners', inward: 'is cloned by', outward: 'clones' },
    { id: '10002', name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' },
    { id: '10003', name: 'Relates', inward: 'relates to', outward: 'relates to' },
  ];
  private nextIssueId = 10000;
  private nextProjectId = 10000;
  private nextEvidenceId = 1;
  private lagMs: number;

  /** The permissions `Bearer app` (asApp) calls have, per project (`*` = all). Not an administrator. */
  readonly appPermissions = new Map<string, Set<PermissionKey>>([
    ['*', new Set<PermissionKey>(['BROWSE_PROJECTS', 'EDIT_ISSUES', 'CREATE_ISSUES'])],
  ]);

  // Xray data, all by Jira issue id.
  private readonly testSetTests = new Map<string, string[]>();
  private readonly testPlanTests = new Map<string, string[]>();
  private readonly testPlanExecutions = new Map<string, string[]>();
  private readonly executionTests = new Map<string, string[]>();
  private readonly executionEnvironments = new Map<string, string[]>();
  private readonly runs = new Map<string, TestRun>();
  private readonly environments = new Map<string, Set<string>>();
  private readonly statuses: RunStatus[] = DEFAULT_STATUSES.map((s) => ({ ...s }));

  constructor(options: WorldOptions = {}) {
    this.now = options.now ?? Date.now;
    this.siteUrl = (options.siteUrl ?? 'https://emulated-site.atlassian.net').replace(/\/$/, '');
    this.lagMs = options.searchIndexLagMs ?? 0;
  }

  // ---------------------------------------------------------------- projects and types

  /** Creates a project. Keys are upper-case letters and digits, starting with a letter, like Jira's. */
  createProject(input: { key: string; name?: string; id?: string }): Project {
    if (!/^[A-Z][A-Z0-9_]{0,9}$/.test(input.key)) throw new WorldError(`invalid project key ${input.key}`);
    if (this.findProject(input.key)) throw new WorldError(`project ${input.key} exists`);
    if (input.id !== undefined && this.projects.has(input.id)) throw new WorldError(`project id ${input.id} exists`);
    while (input.id === undefined && this.projects.has(String(this.nextProjectId))) this.nextProjectId++;
    const id = input.id ?? String(this.nextProjectId++);
    const project: Project = { id, key: input.key, name: input.name ?? `${input.key} project` };
    this.projects.set(id, project);
    this.projectCounters.set(id, 0);
    return project;
  }

  /** A project by id or key, or undefined. */
  findProject(idOrKey: string): Project | undefined {
    const byId = this.projects.get(idOrKey);
    if (byId) return byId;
    for (const p of this.projects.values()) if (p.key === idOrKey) return p;
    return undefined;
  }

  /** All projects. */
  listProjects(): Project[] {
    return [...this.projects.values()];
  }

  /** The site's issue types. */
  listIssueTypes(): IssueType[] {
    return this.issueTypes.map((t) => ({ ...t }));
  }

  /** An issue type by id or (current) name, case-insensitive on the name as Jira's JQL is. */
  findIssueType(idOrName: string): IssueType | undefined {
    return (
      this.issueTypes.find((t) => t.id === idOrName) ??
      this.issueTypes.find((t) => t.name.toLowerCase() === idOrName.toLowerCase())
    );
  }

  /** Renames an issue type (sites rename Xray's types; the app must cope). */
  renameIssueType(idOrName: string, newName: string): IssueType {
    const t = this.findIssueType(idOrName);
    if (!t) throw new WorldError(`no issue type ${idOrName}`);
    t.name = newName;
    return { ...t };
  }

  /** Adds an issue type, e.g. a second Test type. */
  addIssueType(input: { name: string; kind: XrayKind | null; id?: string; description?: string }): IssueType {
    const t: IssueType = {
      id: input.id ?? String(10100 + this.issueTypes.length),
      name: input.name,
      kind: input.kind,
      description: input.description ?? '',
      subtask: false,
      hierarchyLevel: 0,
      avatarId: 10300,
    };
    this.issueTypes.push(t);
    return { ...t };
  }

  // ---------------------------------------------------------------- issues

  /** Creates an issue and answers its id and key. */
  createIssue(input: CreateIssueInput): { id: string; key: string } {
    const project = this.findProject(input.projectKey);
    if (!project) throw new WorldError(`no project ${input.projectKey}`);
    const type = this.findIssueType(input.type);
    if (!type) throw new WorldError(`no issue type ${input.type}`);
    let n = (this.projectCounters.get(project.id) ?? 0) + 1;
    if (input.number !== undefined) {
      if (this.keyIndex.has(`${project.key}-${input.number}`)) throw new WorldError(`${project.key}-${input.number} exists`);
      n = input.number;
    }
    this.projectCounters.set(project.id, Math.max(n, this.projectCounters.get(project.id) ?? 0));
    while (input.id === undefined && this.issues.has(String(this.nextIssueId))) this.nextIssueId++;
    const id = input.id ?? String(this.nextIssueId++);
    if (this.issues.has(id)) throw new WorldError(`issue id ${id} exists`);
    const key = `${project.key}-${n}`;
    const t = this.now();
    const issue: Issue = {
      id,
      key,
      previousKeys: [],
      projectId: project.id,
      typeId: type.id,
      summary: input.summary,
      description: input.description,
      labels: [...(input.labels ?? [])],
      createdAt: t,
      updatedAt: t,
      status: { name: 'To Do', category: 'new' },
      ...(input.extraFields ? { extraFields: { ...input.extraFields } } : {}),
      ...(input.definition !== undefined ? { definition: input.definition } : {}),
    };
    if (type.kind === 'test') {
      const tt = TEST_TYPES[(input.testType ?? 'manual').toLowerCase()];
      issue.testType = tt ? { ...tt } : { id: randomHex(24), name: input.testType ?? 'Manual', kind: 'Steps' };
    }
    this.issues.set(id, issue);
    this.keyIndex.set(key, id);
    return { id, key };
  }

  /** An issue by id, current key or former key. */
  findIssue(idOrKey: string): Issue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    const id = this.keyIndex.get(idOrKey.toUpperCase());
    return id ? this.issues.get(id) : undefined;
  }

  /** All issues, oldest first. */
  listIssues(): Issue[] {
    return [...this.issues.values()];
  }

  /** The Xray kind of an issue (through its type), or null. */
  kindOf(issue: Issue): XrayKind | null {
    return this.issueTypes.find((t) => t.id === issue.typeId)?.kind ?? null;
  }

  /** The issue's type. */
  typeOf(issue: Issue): IssueType {
    const t = this.issueTypes.find((x) => x.id === issue.typeId);
    if (!t) throw new WorldError(`issue ${issue.key} has an unknown type`);
    return t;
  }

  /** The issue's project. */
  projectOf(issue: Issue): Project {
    const p = this.projects.get(issue.projectId);
    if (!p) throw new WorldError(`issue ${issue.key} has an unknown project`);
    return p;
  }

  /** Moves an issue to another project: new key, same id; the old key keeps resolving. */
  moveIssue(idOrKey: string, newProjectKey: string): { id: string; key: string } {
    const issue = this.requireIssue(idOrKey);
    const project = this.findProject(newProjectKey);
    if (!project) throw new WorldError(`no project ${newProjectKey}`);
    const n = (this.projectCounters.get(project.id) ?? 0) + 1;
    this.projectCounters.set(project.id, n);
    issue.previousKeys.push(issue.key);
    issue.key = `${project.key}-${n}`;
    issue.projectId = project.id;
    issue.updatedAt = this.now();
    this.keyIndex.set(issue.key, issue.id);
    return { id: issue.id, key: issue.key };
  }

  /** Changes fields of an issue (counts as a change for the search index). */
  updateIssue(idOrKey: string, changes: { summary?: string; labels?: string[]; description?: unknown }): void {
    const issue = this.requireIssue(idOrKey);
    if (changes.summary !== undefined) issue.summary = changes.summary;
    if (changes.labels !== undefined) issue.labels = [...changes.labels];
    if (changes.description !== undefined) issue.description = changes.description;
    issue.updatedAt = this.now();
  }

  /** Deletes an issue and everything Xray kept about it. Its keys stop resolving. */
  deleteIssue(idOrKey: string): void {
    const issue = this.requireIssue(idOrKey);
    const id = issue.id;
    this.issues.delete(id);
    for (const [k, v] of [...this.keyIndex]) if (v === id) this.keyIndex.delete(k);
    for (const m of [this.testSetTests, this.testPlanTests, this.testPlanExecutions, this.executionTests]) {
      m.delete(id);
      for (const [k, list] of m) m.set(k, list.filter((x) => x !== id));
    }
    this.executionEnvironments.delete(id);
    for (let i = this.issueLinks.length - 1; i >= 0; i--) {
      const l = this.issueLinks[i]!;
      if (l.inwardIssueId === id || l.outwardIssueId === id) this.issueLinks.splice(i, 1);
    }
    for (const [runId, run] of [...this.runs]) {
      if (run.testIssueId === id || run.testExecIssueId === id) this.runs.delete(runId);
    }
  }

  /** Moves an issue to a workflow status (e.g. `Done`, category `done`), as a transition would. */
  setIssueStatus(idOrKey: string, name: string, category: StatusCategory): void {
    const issue = this.requireIssue(idOrKey);
    issue.status = { name, category };
    issue.updatedAt = this.now();
  }

  /** Limits the issue types a project offers (its issue type scheme), by name or id. */
  setProjectIssueTypes(projectKey: string, types: string[]): void {
    const project = this.findProject(projectKey);
    if (!project) throw new WorldError(`no project ${projectKey}`);
    const ids = types.map((t) => {
      const found = this.findIssueType(t);
      if (!found) throw new WorldError(`no issue type ${t}`);
      return found.id;
    });
    this.projectTypes.set(project.id, ids);
  }

  /** The issue types a project offers. */
  issueTypesOfProject(projectId: string): IssueType[] {
    const ids = this.projectTypes.get(projectId);
    return this.issueTypes.filter((t) => !ids || ids.includes(t.id)).map((t) => ({ ...t }));
  }

  /** Makes a field required when issues of a type are created in a project. */
  requireField(projectKey: string, type: string, field: RequiredField): void {
    const project = this.findProject(projectKey);
    const t = this.findIssueType(type);
    if (!project || !t) throw new WorldError(`no project ${projectKey} or type ${type}`);
    const key = `${project.id}:${t.id}`;
    this.requiredFields.set(key, [...(this.requiredFields.get(key) ?? []), { ...field }]);
  }

  /** Fields required to create an issue of a type in a project. */
  requiredFieldsOf(projectId: string, typeId: string): RequiredField[] {
    return (this.requiredFields.get(`${projectId}:${typeId}`) ?? []).map((f) => ({ ...f }));
  }

  /** Adds a custom field to the site (on the create screens of the given Xray kinds, or of every type). */
  addCustomField(field: CustomField): void {
    this.customFields.push({ ...field });
  }

  /** The custom fields issues of a type can be created with (those a project requires included). */
  customFieldsOf(projectId: string, typeId: string): CustomField[] {
    const type = this.issueTypes.find((t) => t.id === typeId);
    const offered = this.customFields.filter((f) => !f.kinds || (type?.kind !== undefined && type.kind !== null && f.kinds.includes(type.kind)));
    for (const r of this.requiredFieldsOf(projectId, typeId)) {
      if (r.id.startsWith('customfield_') && !offered.some((f) => f.id === r.id)) {
        offered.push({ id: r.id, name: r.name, schema: r.schema ?? { type: 'string' }, ...(r.allowedValues ? { allowedValues: r.allowedValues } : {}) });
      }
    }
    return offered.map((f) => ({ ...f }));
  }

  /** Adds a version (a fixVersion issues may carry) to a project. */
  addVersion(projectKey: string, name: string): void {
    const p = this.findProject(projectKey);
    if (!p) throw new WorldError(`no project ${projectKey}`);
    this.versions.set(p.id, [...(this.versions.get(p.id) ?? []), name]);
  }

  /** A project's versions, by name. */
  versionsOf(projectId: string): string[] {
    return [...(this.versions.get(projectId) ?? [])];
  }

  /** Adds a component to a project. */
  addComponent(projectKey: string, name: string): void {
    const p = this.findProject(projectKey);
    if (!p) throw new WorldError(`no project ${projectKey}`);
    this.components.set(p.id, [...(this.components.get(p.id) ?? []), name]);
  }

  /** A project's components, by name. */
  componentsOf(projectId: string): string[] {
    return [...(this.components.get(projectId) ?? [])];
  }

  /** Links two issues and answers the link's id. */
  linkIssues(typeName: string, inwardIdOrKey: string, outwardIdOrKey: string): string {
    const type = this.linkTypes.find((t) => t.name.toLowerCase() === typeName.toLowerCase());
    if (!type) throw new WorldError(`no link type ${typeName}`);
    const inward = this.requireIssue(inwardIdOrKey);
    const outward = this.requireIssue(outwardIdOrKey);
    const id = String(this.nextLinkId++);
    this.issueLinks.push({ id, typeName: type.name, inwardIssueId: inward.id, outwardIssueId: outward.id });
    return id;
  }

  /** The links an issue is part of, either side. */
  linksOf(idOrKey: string): IssueLink[] {
    const issue = this.requireIssue(idOrKey);
    return this.issueLinks.filter((l) => l.inwardIssueId === issue.id || l.outwardIssueId === issue.id).map((l) => ({ ...l }));
  }

  /** Issue by id or key, or a {@link WorldError}. */
  requireIssue(idOrKey: string): Issue {
    const issue = this.findIssue(idOrKey);
    if (!issue) throw new WorldError(`no issue ${idOrKey}`);
    return issue;
  }

  // ---------------------------------------------------------------- search index lag

  /** Issues created or changed less than `ms` ago are invisible to JQL search (Jira's index is eventually consistent). */
  setSearchIndexLagMs(ms: number): void {
    this.lagMs = Math.max(0, ms);
  }

  /** The current search index lag. */
  get searchIndexLagMs(): number {
    return this.lagMs;
  }

  /** Whether JQL search sees the issue yet. */
  isSearchable(issue: Issue): boolean {
    return this.now() - issue.updatedAt >= this.lagMs;
  }

  // ---------------------------------------------------------------- accounts and permissions

  /** Adds a Jira user. */
  addAccount(input: { accountId: string; displayName?: string; emailAddress?: string }): Account {
    const account: Account = {
      accountId: input.accountId,
      displayName: input.displayName ?? input.accountId,
      emailAddress: input.emailAddress,
      admin: false,
      projectPermissions: new Map(),
    };
    this.accounts.set(account.accountId, account);
    return account;
  }

  /** An account, or undefined. */
  findAccount(accountId: string): Account | undefined {
    return this.accounts.get(accountId);
  }

  /**
   * Grants a permission. `ADMINISTER` is global (no project); project permissions take a project key, or `*` for
   * every project (including ones created later).
   */
  grant(accountId: string, permission: PermissionKey, projectKey?: string): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new WorldError(`no account ${accountId}`);
    if (permission === 'ADMINISTER') {
      account.admin = true;
      return;
    }
    const scope = this.permissionScope(projectKey);
    const set = account.projectPermissions.get(scope) ?? new Set<PermissionKey>();
    set.add(permission);
    account.projectPermissions.set(scope, set);
  }

  /** Removes a permission granted with {@link grant} (same scope). */
  revoke(accountId: string, permission: PermissionKey, projectKey?: string): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new WorldError(`no account ${accountId}`);
    if (permission === 'ADMINISTER') {
      account.admin = false;
      return;
    }
    account.projectPermissions.get(this.permissionScope(projectKey))?.delete(permission);
  }

  /**
   * Whether a principal has a permission. `principal` is an account id or `'app'` (asApp). With no project,
   * a project permission counts when it is held in at least one project (as Jira's mypermissions answers).
   */
  hasPermission(principal: string, permission: PermissionKey, projectId?: string): boolean {
    let perms: Map<string, Set<PermissionKey>>;
    if (principal === 'app') {
      if (permission === 'ADMINISTER') return false;
      perms = this.appPermissions;
    } else {
      const account = this.accounts.get(principal);
      if (!account) return false;
      if (permission === 'ADMINISTER') return account.admin;
      perms = account.projectPermissions;
    }
    if (perms.get('*')?.has(permission)) return true;
    if (projectId !== undefined) return perms.get(projectId)?.has(permission) ?? false;
    for (const set of perms.values()) if (set.has(permission)) return true;
    return false;
  }

  /** Whether the principal may see the issue (BROWSE_PROJECTS on its project). */
  canBrowse(principal: string, issue: Issue): boolean {
    return this.hasPermission(principal, 'BROWSE_PROJECTS', issue.projectId);
  }

  private permissionScope(projectKey: string | undefined): string {
    if (projectKey === undefined || projectKey === '*') return '*';
    const project = this.findProject(projectKey);
    if (!project) throw new WorldError(`no project ${projectKey}`);
    return project.id;
  }

  // ---------------------------------------------------------------- Xray: statuses and environments

  /** Xray's Test Run statuses. */
  listStatuses(): RunStatus[] {
    return this.statuses.map((s) => ({ ...s }));
  }

  /** A status by exact name (Xray status names are upper-case and matched as given). */
  findStatus(name: string): RunStatus | undefined {
    return this.statuses.find((s) => s.name === name);
  }

  /** Adds a custom status, as a site admin can. */
  addStatus(status: { name: string; description?: string; color?: string; final?: boolean }): void {
    if (this.findStatus(status.name)) throw new WorldError(`status ${status.name} exists`);
    this.statuses.push({
      name: status.name,
      description: status.description ?? '',
      color: status.color ?? '#888888',
      final: status.final ?? true,
    });
  }

  /**
   * Renames a status, as sites differ: some clients' mappings show the pending status as "TO DO" rather than
   * "TODO" (Xray statuses are per site). Imports then accept only the new name.
   */
  renameStatus(from: string, to: string): void {
    const s = this.findStatus(from);
    if (!s) throw new WorldError(`no status ${from}`);
    if (this.findStatus(to)) throw new WorldError(`status ${to} exists`);
    s.name = to;
  }

  /** Adds an entry whose name is null, as `getStatuses` may list (Xray's schema makes the name nullable). */
  addNamelessStatus(): void {
    this.statuses.push({ name: null, description: '', color: '#888888', final: false });
  }

  /** Removes a status (for tests of a site that lacks ABORTED). */
  removeStatus(name: string): void {
    const i = this.statuses.findIndex((s) => s.name === name);
    if (i >= 0) this.statuses.splice(i, 1);
  }

  /** Adds Test Environments to a project. */
  addTestEnvironments(projectKey: string, names: string[]): void {
    const project = this.findProject(projectKey);
    if (!project) throw new WorldError(`no project ${projectKey}`);
    const set = this.environments.get(project.id) ?? new Set<string>();
    for (const n of names) set.add(n);
    this.environments.set(project.id, set);
  }

  /** The project's Test Environments. */
  listTestEnvironments(projectId: string): string[] {
    return [...(this.environments.get(projectId) ?? [])];
  }

  // ---------------------------------------------------------------- Xray: sets, plans, executions

  /** Adds Tests to a Test Set (keeps order, ignores repeats). */
  addTestsToTestSet(testSetIdOrKey: string, testIdsOrKeys: string[]): void {
    const set = this.requireKind(testSetIdOrKey, 'testSet');
    this.appendUnique(this.testSetTests, set.id, testIdsOrKeys.map((t) => this.requireKind(t, 'test').id));
  }

  /** The Tests of a Test Set, in Xray's order (by id). */
  testSetTestIds(testSetId: string): string[] {
    return [...(this.testSetTests.get(testSetId) ?? [])];
  }

  /** Adds Tests to a Test Plan. */
  addTestsToTestPlan(testPlanIdOrKey: string, testIdsOrKeys: string[]): void {
    const plan = this.requireKind(testPlanIdOrKey, 'testPlan');
    this.appendUnique(this.testPlanTests, plan.id, testIdsOrKeys.map((t) => this.requireKind(t, 'test').id));
  }

  /** The Tests of a Test Plan. */
  testPlanTestIds(testPlanId: string): string[] {
    return [...(this.testPlanTests.get(testPlanId) ?? [])];
  }

  /** Links Test Executions to a Test Plan; answers the ids newly added. */
  addTestExecutionsToTestPlan(testPlanIdOrKey: string, execIdsOrKeys: string[]): string[] {
    const plan = this.requireKind(testPlanIdOrKey, 'testPlan');
    const ids = execIdsOrKeys.map((e) => this.requireKind(e, 'testExecution').id);
    return this.appendUnique(this.testPlanExecutions, plan.id, ids);
  }

  /** The Test Executions of a Test Plan. */
  testPlanExecutionIds(testPlanId: string): string[] {
    return [...(this.testPlanExecutions.get(testPlanId) ?? [])];
  }

  /** The Test Plans a Test Execution belongs to. */
  testPlansOfExecution(execId: string): string[] {
    const out: string[] = [];
    for (const [planId, list] of this.testPlanExecutions) if (list.includes(execId)) out.push(planId);
    return out;
  }

  /** Adds Tests to a Test Execution; each new one gets a TODO run. Answers the ids newly added. */
  addTestsToTestExecution(execIdOrKey: string, testIdsOrKeys: string[]): string[] {
    const exec = this.requireKind(execIdOrKey, 'testExecution');
    const ids = testIdsOrKeys.map((t) => this.requireKind(t, 'test').id);
    const added = this.appendUnique(this.executionTests, exec.id, ids);
    for (const testId of added) this.createRun(exec.id, testId);
    return added;
  }

  /** The Tests of a Test Execution, in the order they were added. */
  executionTestIds(execId: string): string[] {
    return [...(this.executionTests.get(execId) ?? [])];
  }

  /** Sets the Test Environments of a Test Execution. */
  setExecutionEnvironments(execId: string, names: string[]): void {
    this.executionEnvironments.set(execId, [...names]);
  }

  /** The Test Environments of a Test Execution. */
  executionEnvironmentsOf(execId: string): string[] {
    return [...(this.executionEnvironments.get(execId) ?? [])];
  }

  // ---------------------------------------------------------------- Xray: runs

  /** The run of a Test in a Test Execution, if any. */
  findRun(testIssueId: string, testExecIssueId: string): TestRun | undefined {
    for (const run of this.runs.values()) {
      if (run.testIssueId === testIssueId && run.testExecIssueId === testExecIssueId) return run;
    }
    return undefined;
  }

  /** A run by its id. */
  findRunById(id: string): TestRun | undefined {
    return this.runs.get(id);
  }

  /** All runs, filtered; in creation order. */
  listRuns(filter: { testIssueIds?: string[]; testExecIssueIds?: string[] } = {}): TestRun[] {
    return [...this.runs.values()].filter(
      (r) =>
        (!filter.testIssueIds || filter.testIssueIds.includes(r.testIssueId)) &&
        (!filter.testExecIssueIds || filter.testExecIssueIds.includes(r.testExecIssueId)),
    );
  }

  /**
   * Creates or updates the run of a Test in a Test Execution (adding the Test to the execution when needed).
   * Evidence is appended; other given fields replace the stored ones.
   */
  upsertRun(
    execId: string,
    testId: string,
    changes: {
      status?: string;
      comment?: string;
      startedOn?: string;
      finishedOn?: string;
      evidence?: Array<{ filename: string; mimeType: string; data: string }>;
      defects?: string[];
      iterations?: RunIteration[];
    },
  ): TestRun {
    this.requireKind(execId, 'testExecution');
    this.requireKind(testId, 'test');
    this.appendUnique(this.executionTests, execId, [testId]);
    const run = this.findRun(testId, execId) ?? this.createRun(execId, testId);
    if (changes.status !== undefined) run.status = changes.status;
    if (changes.comment !== undefined) run.comment = changes.comment;
    if (changes.startedOn !== undefined) run.startedOn = changes.startedOn;
    if (changes.finishedOn !== undefined) run.finishedOn = changes.finishedOn;
    if (changes.defects !== undefined) run.defects = [...new Set([...run.defects, ...changes.defects])];
    if (changes.iterations !== undefined) run.iterations = changes.iterations;
    for (const e of changes.evidence ?? []) this.addEvidence(run, e);
    run.updatedAt = this.now();
    return run;
  }

  /** Adds one evidence file to a run and answers it. */
  addEvidence(run: TestRun, e: { filename: string; mimeType: string; data: string }): Evidence {
    const ev: Evidence = {
      id: String(this.nextEvidenceId++),
      filename: e.filename,
      mimeType: e.mimeType,
      data: e.data,
      size: Buffer.from(e.data, 'base64').length,
      createdOn: new Date(this.now()).toISOString(),
    };
    run.evidence.push(ev);
    run.updatedAt = this.now();
    return ev;
  }

  private createRun(execId: string, testId: string): TestRun {
    const t = this.now();
    const run: TestRun = {
      id: randomHex(24),
      testIssueId: testId,
      testExecIssueId: execId,
      status: 'TODO',
      evidence: [],
      defects: [],
      iterations: [],
      createdAt: t,
      updatedAt: t,
    };
    this.runs.set(run.id, run);
    return run;
  }

  // ---------------------------------------------------------------- read helpers for tests

  /**
   * Every Test Execution with its runs, in creation order: the quickest way for a test to see what an import or
   * the app did (for example that a lost answer did not lead to a second Test Execution).
   */
  listTestExecutions(): Array<{
    id: string;
    key: string;
    projectKey: string;
    summary: string;
    labels: string[];
    testPlanIds: string[];
    testEnvironments: string[];
    runs: Array<TestRun & { testKey: string }>;
  }> {
    return this.listIssues()
      .filter((i) => this.kindOf(i) === 'testExecution')
      .map((i) => ({
        id: i.id,
        key: i.key,
        projectKey: this.projectOf(i).key,
        summary: i.summary,
        labels: [...i.labels],
        testPlanIds: this.testPlansOfExecution(i.id),
        testEnvironments: this.executionEnvironmentsOf(i.id),
        runs: this.executionTestIds(i.id).flatMap((testId) => {
          const run = this.findRun(testId, i.id);
          return run ? [{ ...run, testKey: this.findIssue(testId)?.key ?? testId }] : [];
        }),
      }));
  }

  private requireKind(idOrKey: string, kind: XrayKind): Issue {
    const issue = this.requireIssue(idOrKey);
    if (this.kindOf(issue) !== kind) throw new WorldError(`${issue.key} is not a ${kind}`);
    return issue;
  }

  private appendUnique(map: Map<string, string[]>, key: string, ids: string[]): string[] {
    const list = map.get(key) ?? [];
    const added: string[] = [];
    for (const id of ids) {
      if (!list.includes(id)) {
        list.push(id);
        added.push(id);
      }
    }
    map.set(key, list);
    return added;
  }
}

/** Random lower-case hex, used for Xray-style object ids. */
export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}
