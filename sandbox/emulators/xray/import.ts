/**
 * Xray Cloud's result imports (`POST /api/v2/import/execution` and its `/multipart` variant), validated the way
 * Xray does: the whole import is checked first and refused as a whole (nothing is written) when it is wrong;
 * tests whose key is unknown or not a Test are skipped; an import with no valid test is refused.
 *
 * Messages come from captured or vendor-mocked answers where one exists (test/fixtures/xray); the others are
 * written in Xray's style and marked "emulator wording" below, because no real body was found for them.
 */
import type { Issue, Project, RunIteration, World } from '../world';

/** An error answer: Xray's 400s are `{ "error": "..." }`. */
export class XrayHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${status}`);
  }
}

function bad(message: string): XrayHttpError {
  return new XrayHttpError(400, { error: message });
}

/** What an import answers: the Test Execution. */
export interface ImportResult {
  id: string;
  key: string;
  self: string;
}

/** The Test Execution fields a multipart `info` part carries, already validated. */
export interface MultipartInfo {
  project: Project;
  summary: string;
  labels: string[];
  description?: unknown;
  testPlanKey?: string;
  environments?: string[];
  /** Other Jira fields of the new Test Execution (fixVersions, components, custom fields), as sent. */
  extraFields?: Record<string, unknown>;
}

// Xray documents dates as "yyyy-MM-dd'T'HH:mm:ssZZ": an offset (or Z) is required, fractions are tolerated.
const DATE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Whether `s` is a date Xray's importer accepts. */
export function isXrayDate(s: unknown): s is string {
  return typeof s === 'string' && DATE_RE.test(s) && !Number.isNaN(Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `s` is standard base64 (what Xray's `data` fields take). */
export function isBase64(s: unknown): s is string {
  return typeof s === 'string' && s.length % 4 === 0 && BASE64_RE.test(s);
}

/** Jira's own label rules (labels cannot hold spaces; 255 characters at most). */
export function labelProblem(labels: unknown): string | undefined {
  if (!Array.isArray(labels)) return 'labels: Field labels must be a list of strings.';
  for (const l of labels) {
    if (typeof l !== 'string' || l === '') return 'labels: Labels must be non-empty strings.';
    if (/\s/.test(l)) return `labels: The label '${l}' contains spaces which is invalid.`;
    if (l.length > 255) return `labels: The label '${l.slice(0, 20)}...' is longer than 255 characters.`;
  }
  return undefined;
}

interface PlannedTest {
  test: Issue | { create: { projectId: string; summary: string; testType?: string; definition?: string; labels?: string[] } };
  status: string;
  comment?: string;
  start?: string;
  finish?: string;
  evidence: Array<{ filename: string; mimeType: string; data: string }>;
  defects: string[];
  iterations?: RunIteration[];
}

/** Who makes the import: an account id (checked for EDIT_ISSUES) or `app` (the emulator's all-seeing default). */
export interface ImportOptions {
  principal: string;
  /** Present for the multipart endpoint. */
  multipart?: MultipartInfo;
  /** Called when the importer creates a Test from `testInfo` (the app must never cause this). */
  onTestCreated?: (key: string) => void;
}

/** Validates and applies an Xray JSON import; throws {@link XrayHttpError} (nothing written) when refused. */
export function importExecution(world: World, doc: unknown, options: ImportOptions): ImportResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw bad('Error importing results: the results must be a JSON object.'); // emulator wording
  }
  const d = doc as Record<string, unknown>;
  const info = (d.info ?? {}) as Record<string, unknown>;
  if (typeof info !== 'object' || Array.isArray(info)) throw bad('Error importing results: info must be an object.'); // emulator wording
  const mp = options.multipart;

  // 1. Which Test Execution: the named one, or a new one in a project.
  let exec: Issue | undefined;
  let project: Project;
  if (d.testExecutionKey !== undefined) {
    if (typeof d.testExecutionKey !== 'string') throw bad('Error importing results: testExecutionKey must be a string.'); // emulator wording
    exec = world.findIssue(d.testExecutionKey);
    if (!exec || world.kindOf(exec) !== 'testExecution' || !world.canBrowse(options.principal, exec)) {
      throw bad(`Error importing results: Test Execution with key ${d.testExecutionKey} not found!`); // emulator wording
    }
    project = world.projectOf(exec);
  } else if (mp) {
    project = mp.project;
  } else {
    if (info.project === undefined || info.project === null || info.project === '') throw bad('Must provide a project key');
    if (typeof info.project !== 'string') throw bad('Must provide a project key');
    const p = world.findProject(info.project);
    if (!p || !world.hasPermission(options.principal, 'BROWSE_PROJECTS', p.id)) {
      throw bad('Error creating Test Execution - Issue create failed! - project: valid project is required'); // Jira's create wording
    }
    project = p;
  }
  if (!world.hasPermission(options.principal, 'EDIT_ISSUES', project.id)) {
    throw bad(`Error importing results: User doesn't have permissions to edit issues in project ${project.key}`); // emulator wording
  }

  // 2. Dates.
  for (const f of ['startDate', 'finishDate'] as const) {
    if (info[f] !== undefined && !isXrayDate(info[f])) {
      throw bad(`Error importing results: info.${f} "${String(info[f])}" is not a valid date (yyyy-MM-ddTHH:mm:ssZZ)!`); // emulator wording
    }
  }
  if (info.summary !== undefined && typeof info.summary !== 'string') throw bad('Error importing results: info.summary must be a string.'); // emulator wording
  if (typeof info.summary === 'string' && /[\r\n]/.test(info.summary)) {
    // Jira's reason for a summary with a line break, which Xray passes on.
    throw bad('Error importing results: summary: The summary is invalid because it contains newline characters.'); // emulator wording
  }

  // 3. Test Plan.
  const testPlanKey = mp?.testPlanKey ?? (typeof info.testPlanKey === 'string' ? info.testPlanKey : undefined);
  let plan: Issue | undefined;
  if (testPlanKey !== undefined) {
    plan = world.findIssue(testPlanKey);
    if (!plan || world.kindOf(plan) !== 'testPlan' || !world.canBrowse(options.principal, plan)) {
      throw bad(`Error importing results: Test Plan with key ${testPlanKey} not found!`); // emulator wording
    }
  }

  // 4. Test Environments must already exist in the Test Execution's project (captured: they are not created here).
  const envSource = mp?.environments ?? info.testEnvironments;
  let environments: string[] = [];
  if (envSource !== undefined) {
    if (!Array.isArray(envSource) || !envSource.every((e) => typeof e === 'string')) {
      throw bad('Error importing results: testEnvironments must be a list of names.'); // emulator wording
    }
    environments = envSource as string[];
    const known = world.listTestEnvironments(project.id);
    const unknown = environments.filter((e) => !known.includes(e));
    if (unknown.length > 0) {
      throw bad(
        `Error importing results: the following environments don't exist or are not in the context of test execution project: ${unknown.map((e) => `'${e}'`).join(', ')}!`,
      );
    }
  }

  // 5. Tests.
  if (!Array.isArray(d.tests)) throw bad('There are no valid tests imported');
  const planned: PlannedTest[] = [];
  d.tests.forEach((raw: unknown, index: number) => {
    if (typeof raw !== 'object' || raw === null) throw bad(`Error importing results: tests[${index}] must be an object.`); // emulator wording
    const t = raw as Record<string, unknown>;
    const where = typeof t.testKey === 'string' ? t.testKey : `tests[${index}]`;
    // "Using Xray JSON format to import execution results": with iterations, the test's status may be left out and
    // is derived from them (any FAILED: FAILED; all PASSED: PASSED; any EXECUTING: EXECUTING; else TODO).
    if ((t.status === undefined || t.status === '') && Array.isArray(t.iterations) && t.iterations.length > 0) {
      t.status = derivedStatus((t.iterations as Array<Record<string, unknown>>).map((it) => (typeof it?.status === 'string' ? it.status : '')));
    }
    if (typeof t.status !== 'string' || t.status === '') {
      throw bad(`Error importing results: the status of test ${where} is missing!`); // emulator wording
    }
    // A status Xray does not know refuses the whole import (Xray's import documentation); names are matched exactly.
    if (!world.findStatus(t.status)) {
      throw bad(`Error importing results: status "${t.status}" of test ${where} does not exist!`); // emulator wording
    }
    for (const f of ['start', 'finish'] as const) {
      if (t[f] !== undefined && !isXrayDate(t[f])) {
        throw bad(`Error importing results: ${f} date "${String(t[f])}" of test ${where} is not a valid date (yyyy-MM-ddTHH:mm:ssZZ)!`); // emulator wording
      }
    }
    if (t.comment !== undefined && typeof t.comment !== 'string') throw bad(`Error importing results: comment of test ${where} must be a string.`); // emulator wording
    const evidence: PlannedTest['evidence'] = [];
    if (t.evidence !== undefined) {
      if (!Array.isArray(t.evidence)) throw bad(`Error importing results: evidence of test ${where} must be a list.`); // emulator wording
      for (const e of t.evidence as unknown[]) {
        const ev = (e ?? {}) as Record<string, unknown>;
        if (typeof ev.filename !== 'string' || ev.filename === '') throw bad(`Error importing results: an evidence of test ${where} has no filename!`); // emulator wording
        if (!isBase64(ev.data)) throw bad(`Error importing results: the evidence ${ev.filename} of test ${where} is not valid base64!`); // emulator wording
        evidence.push({
          filename: ev.filename,
          mimeType: typeof ev.contentType === 'string' ? ev.contentType : 'application/octet-stream',
          data: ev.data,
        });
      }
    }
    let iterations: RunIteration[] | undefined;
    if (Array.isArray(t.iterations)) {
      iterations = (t.iterations as unknown[]).map((it, i) => {
        const o = (it ?? {}) as Record<string, unknown>;
        const st = typeof o.status === 'string' ? o.status : '';
        if (!world.findStatus(st)) throw bad(`Error importing results: status "${st}" of an iteration of test ${where} does not exist!`); // emulator wording
        if (o.parameters !== undefined && (!Array.isArray(o.parameters) || !o.parameters.every((p) => typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string'))) {
          throw bad(`Error importing results: the parameters of iteration ${i + 1} of test ${where} must be a list of { name, value }!`); // emulator wording
        }
        const params = Array.isArray(o.parameters) ? (o.parameters as Array<Record<string, unknown>>) : [];
        return {
          rank: String(i + 1),
          name: typeof o.name === 'string' ? o.name : undefined,
          parameters: params.map((p) => ({ name: String(p.name ?? ''), value: String(p.value ?? '') })),
          status: st,
          log: typeof o.log === 'string' ? o.log : undefined,
        };
      });
    }
    const defects = Array.isArray(t.defects) ? (t.defects as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const common = { status: t.status, comment: t.comment as string | undefined, start: t.start as string | undefined,
      finish: t.finish as string | undefined, evidence, defects, iterations };
    if (typeof t.testKey === 'string') {
      const issue = world.findIssue(t.testKey);
      // Unknown keys and issues that are not Tests are skipped, not fatal.
      if (issue && world.kindOf(issue) === 'test' && world.canBrowse(options.principal, issue)) {
        planned.push({ test: issue, ...common });
      }
    } else if (typeof t.testInfo === 'object' && t.testInfo !== null) {
      // "Using Xray JSON format to import execution results": a Generic test is found again by its definition in
      // testInfo.projectKey (created once, reused after); other types by summary. Not found: the import creates it.
      const ti = t.testInfo as Record<string, unknown>;
      const tp = typeof ti.projectKey === 'string' ? world.findProject(ti.projectKey) : undefined;
      if (!tp || !world.hasPermission(options.principal, 'CREATE_ISSUES', tp.id)) {
        throw bad(`Error importing results: the project ${String(ti.projectKey)} of test ${where} was not found or you cannot create issues in it!`); // emulator wording
      }
      if (typeof ti.summary !== 'string' || ti.summary === '') throw bad(`Error importing results: testInfo.summary of test ${where} is required!`); // emulator wording
      const type = typeof ti.type === 'string' ? ti.type : 'Manual';
      const generic = /^(generic|unstructured)$/i.test(type);
      if (generic && (typeof ti.definition !== 'string' || ti.definition === '')) {
        throw bad(`Error importing results: testInfo.definition of Generic test ${where} is required!`); // emulator wording
      }
      if (ti.labels !== undefined) {
        const problem = labelProblem(ti.labels);
        if (problem) throw bad(`Error importing results: test ${where}: ${problem}`);
      }
      const definition = generic ? (ti.definition as string) : undefined;
      const existing = world
        .listIssues()
        .find((i) => i.projectId === tp.id && world.kindOf(i) === 'test' && (generic ? i.definition === definition : i.summary === ti.summary));
      planned.push({
        test: existing ?? {
          create: {
            projectId: tp.id,
            summary: ti.summary,
            testType: type,
            ...(definition !== undefined ? { definition } : {}),
            ...(Array.isArray(ti.labels) ? { labels: ti.labels as string[] } : {}),
          },
        },
        ...common,
      });
    }
  });
  if (planned.length === 0) throw bad('There are no valid tests imported');

  // Everything checked: apply.
  if (!exec) {
    const summary = mp?.summary ?? (typeof info.summary === 'string' && info.summary !== '' ? info.summary : `Execution results [${world.now()}]`);
    const created = world.createIssue({
      projectKey: project.key,
      type: testExecutionTypeName(world),
      summary,
      labels: mp?.labels ?? [],
      description: mp ? mp.description : info.description,
      ...(mp?.extraFields ? { extraFields: mp.extraFields } : {}),
    });
    exec = world.requireIssue(created.id);
  } else if (!mp && (typeof info.summary === 'string' || typeof info.description === 'string')) {
    world.updateIssue(exec.id, {
      summary: typeof info.summary === 'string' ? info.summary : undefined,
      description: typeof info.description === 'string' ? info.description : undefined,
    });
  } else {
    world.updateIssue(exec.id, {});
  }
  if (environments.length > 0) {
    world.setExecutionEnvironments(exec.id, [...new Set([...world.executionEnvironmentsOf(exec.id), ...environments])]);
  }
  for (const p of planned) {
    let testId: string;
    if ('create' in p.test) {
      const tp = world.findProject(p.test.create.projectId) as Project;
      const c = p.test.create;
      // The same new test twice in one import is created once.
      const again = world
        .listIssues()
        .find((i) => i.projectId === tp.id && world.kindOf(i) === 'test' && (c.definition !== undefined ? i.definition === c.definition : i.summary === c.summary));
      if (again) testId = again.id;
      else {
        const made = world.createIssue({
          projectKey: tp.key,
          type: testTypeName(world),
          summary: c.summary,
          testType: c.testType,
          ...(c.definition !== undefined ? { definition: c.definition } : {}),
          ...(c.labels ? { labels: c.labels } : {}),
        });
        options.onTestCreated?.(made.key);
        testId = made.id;
      }
    } else {
      testId = p.test.id;
    }
    world.upsertRun(exec.id, testId, {
      status: p.status,
      comment: p.comment,
      startedOn: p.start,
      finishedOn: p.finish,
      evidence: p.evidence,
      defects: p.defects,
      iterations: p.iterations,
    });
  }
  if (plan) {
    world.addTestExecutionsToTestPlan(plan.id, [exec.id]);
    world.addTestsToTestPlan(plan.id, world.executionTestIds(exec.id));
  }
  return { id: exec.id, key: exec.key, self: `${world.siteUrl}/rest/api/2/issue/${exec.id}` };
}

/** The status Xray gives a test from its iterations' statuses (Xray's JSON format page). */
export function derivedStatus(statuses: readonly string[]): string {
  const up = statuses.map((x) => x.toUpperCase());
  if (up.includes('FAILED')) return 'FAILED';
  if (up.length > 0 && up.every((x) => x === 'PASSED')) return 'PASSED';
  if (up.includes('EXECUTING')) return 'EXECUTING';
  return 'TODO';
}

function testExecutionTypeName(world: World): string {
  const t = world.listIssueTypes().find((x) => x.kind === 'testExecution');
  if (!t) throw new XrayHttpError(500, { error: 'No Test Execution issue type on this site.' });
  return t.id;
}

function testTypeName(world: World): string {
  const t = world.listIssueTypes().find((x) => x.kind === 'test');
  if (!t) throw new XrayHttpError(500, { error: 'No Test issue type on this site.' });
  return t.id;
}

const ALLOWED_INFO_FIELDS = new Set([
  'project', 'summary', 'issuetype', 'labels', 'description', 'assignee', 'reporter', 'fixVersions', 'priority',
  'components', 'environment',
]);
const ALLOWED_XRAY_FIELDS = new Set(['testPlanKey', 'environments']);

/**
 * Validates the multipart `info` part (Jira issue fields of the new Test Execution, plus `xrayFields`). Messages
 * for project, issue type and xrayFields are the captured ones.
 */
export function parseMultipartInfo(world: World, raw: unknown, principal: string): MultipartInfo {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw bad('Error assembling issue data: the info file must be a JSON object'); // emulator wording
  }
  const info = raw as Record<string, unknown>;
  const fields = (info.fields ?? {}) as Record<string, unknown>;
  if (typeof fields !== 'object' || Array.isArray(fields)) throw bad('Error assembling issue data: fields must be an object'); // emulator wording
  const projectRef = fields.project as Record<string, unknown> | undefined;
  const projectKeyOrId =
    projectRef && typeof projectRef === 'object'
      ? typeof projectRef.key === 'string'
        ? projectRef.key
        : typeof projectRef.id === 'string' || typeof projectRef.id === 'number'
          ? String(projectRef.id)
          : undefined
      : undefined;
  if (!projectKeyOrId) throw bad('Error assembling issue data: project is required');
  const project = world.findProject(projectKeyOrId);
  if (!project || !world.hasPermission(principal, 'BROWSE_PROJECTS', project.id)) {
    throw bad('Error creating Test Execution - Issue create failed! - project: valid project is required'); // Jira's create wording
  }
  const it = fields.issuetype as Record<string, unknown> | undefined;
  const type =
    it && typeof it === 'object'
      ? typeof it.id === 'string' || typeof it.id === 'number'
        ? world.listIssueTypes().find((t) => t.id === String(it.id))
        : typeof it.name === 'string'
          ? world.listIssueTypes().find((t) => t.name === it.name)
          : undefined
      : undefined;
  if (!type || type.kind !== 'testExecution') {
    throw bad('Error creating Test Execution - Issue create failed! - issuetype: The issue type selected is invalid.');
  }
  if (typeof fields.summary !== 'string' || fields.summary.trim() === '') {
    throw bad('Error creating Test Execution - Issue create failed! - summary: You must specify a summary of the issue.');
  }
  if (fields.summary.length > 255) {
    throw bad('Error creating Test Execution - Issue create failed! - summary: Summary must be less than 255 characters.');
  }
  // Xray creates the issue through Jira, which refuses a summary with a line break; Xray passes Jira's reason on.
  if (/[\r\n]/.test(fields.summary)) {
    throw bad('Error creating Test Execution - Issue create failed! - summary: The summary is invalid because it contains newline characters.');
  }
  // The info part is Jira's create-issue JSON (Xray docs, "Import Execution Results", multipart): Jira's own checks
  // apply, and a field the site requires but the info lacks refuses the whole import.
  const custom = world.customFieldsOf(project.id, type.id);
  const unknownFields = Object.keys(fields).filter((f) => !ALLOWED_INFO_FIELDS.has(f) && !custom.some((c) => c.id === f));
  if (unknownFields.length > 0) {
    throw bad(
      `Error creating Test Execution - Issue create failed! - ${unknownFields[0]}: Field '${unknownFields[0]}' cannot be set. It is not on the appropriate screen, or unknown.`,
    );
  }
  for (const req of world.requiredFieldsOf(project.id, type.id)) {
    const v = fields[req.id];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
      throw bad(`Error creating Test Execution - Issue create failed! - ${req.id}: ${req.name} is required.`);
    }
  }
  const named = (v: unknown): string | undefined =>
    typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined;
  for (const [f, known, what] of [
    ['fixVersions', world.versionsOf(project.id), 'Version'],
    ['components', world.componentsOf(project.id), 'Component'],
  ] as const) {
    const v = fields[f];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw bad(`Error creating Test Execution - Issue create failed! - ${f}: Operation value must be an array.`);
    for (const item of v) {
      const name = named(item);
      if (name === undefined || !known.includes(name)) {
        throw bad(`Error creating Test Execution - Issue create failed! - ${f}: ${what} name '${name ?? JSON.stringify(item)}' is not valid`);
      }
    }
  }
  for (const c of custom) {
    const v = fields[c.id];
    if (v === undefined || !c.allowedValues) continue;
    const value = typeof v === 'object' && v !== null ? (v as { value?: unknown }).value : undefined;
    if (typeof value !== 'string' || !c.allowedValues.includes(value)) {
      throw bad(`Error creating Test Execution - Issue create failed! - ${c.id}: Specify a valid value for ${c.name}`);
    }
  }
  const extraFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!['project', 'summary', 'issuetype', 'labels', 'description'].includes(k)) extraFields[k] = v;
  }
  let labels: string[] = [];
  if (fields.labels !== undefined) {
    const problem = labelProblem(fields.labels);
    if (problem) throw bad(`Error creating Test Execution - Issue create failed! - ${problem}`);
    labels = fields.labels as string[];
  }
  const xf = (info.xrayFields ?? {}) as Record<string, unknown>;
  if (typeof xf !== 'object' || Array.isArray(xf)) throw bad('Error importing results: xrayFields must be an object!'); // emulator wording
  const invalid = Object.keys(xf).filter((k) => !ALLOWED_XRAY_FIELDS.has(k));
  if (invalid.length > 0) {
    throw bad(`Error importing results: xrayFields in info file contains the following invalid fields: ${invalid.join(', ')}!`);
  }
  if (xf.testPlanKey !== undefined && typeof xf.testPlanKey !== 'string') {
    throw bad('Error importing results: xrayFields.testPlanKey must be a string!'); // emulator wording
  }
  if (xf.environments !== undefined && (!Array.isArray(xf.environments) || !xf.environments.every((e) => typeof e === 'string'))) {
    throw bad('Error importing results: xrayFields.environments must be a list of names!'); // emulator wording
  }
  return {
    project,
    summary: fields.summary,
    labels,
    description: fields.description,
    testPlanKey: xf.testPlanKey as string | undefined,
    environments: xf.environments as string[] | undefined,
    ...(Object.keys(extraFields).length > 0 ? { extraFields } : {}),
  };
}
