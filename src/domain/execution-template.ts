/**
 * The Test Execution template (contract section 8, `testExecution`): the Jira fields every Test Execution the app
 * creates carries, checked against Jira's create metadata, and the fields a run adds of its own (its build as Xray's
 * Revision field, its version as a fixVersion). Pure.
 */

/** One field of Jira's create metadata, as the app keeps it. */
export interface CreateField {
  fieldId: string;
  name: string;
  required: boolean;
  /** `schema.type`: string, number, array, option, version, component, user, ... */
  type: string;
  /** `schema.items` of an array field. */
  items?: string;
  /** The names (versions, components) or values (options) a picker allows. */
  allowedValues?: string[];
}

/** What an admin saves as the template (contract section 8). */
export interface ExecutionTemplate {
  fixVersions?: string[];
  labels?: string[];
  components?: string[];
  fields?: Record<string, unknown>;
  splitByMachine?: boolean;
}

/** A template holds at most this many fields (`fields` and the three pickers together). */
export const MAX_TEMPLATE_FIELDS = 50;
/** A template's JSON is at most this many bytes. */
export const MAX_TEMPLATE_BYTES = 16 * 1024;
/** Xray's field for a Test Execution's build (the JSON format's `info.revision`). */
export const REVISION_FIELD_NAME = 'Revision';

/** Fields the app sets itself on every Test Execution: a template may not set them. */
export const APP_FIELDS = ['project', 'issuetype', 'summary', 'description'];
/** Fields Jira fills itself when left out, though create metadata calls them required. */
const FILLED_BY_JIRA = new Set(['reporter']);

/** A problem with a template, naming the field. */
export interface TemplateProblem {
  field: string;
  reason: 'unknown' | 'required' | 'value' | 'reserved' | 'tooMany' | 'tooLarge';
  /** The refused value or the field's name, for the message. */
  detail?: string;
}

const norm = (s: string) => s.trim().toLowerCase();

/** The create field a template key names: its id, else its name (case-insensitive). */
export function findField(meta: readonly CreateField[], key: string): CreateField | undefined {
  return meta.find((f) => f.fieldId === key) ?? meta.find((f) => norm(f.name) === norm(key));
}

/** The id of Xray's Revision field in the create metadata, when the site's Test Execution type has it. */
export function revisionFieldId(meta: readonly CreateField[] | undefined): string | undefined {
  return meta?.find((f) => norm(f.name) === norm(REVISION_FIELD_NAME) && f.fieldId.startsWith('customfield_'))?.fieldId;
}

/** How many fields a template sets. */
export function templateFieldCount(t: ExecutionTemplate): number {
  return Object.keys(t.fields ?? {}).length + (t.fixVersions?.length ? 1 : 0) + (t.labels?.length ? 1 : 0) + (t.components?.length ? 1 : 0);
}

/** The limits that need no Jira: at most 50 fields, 16 KB, and none of the fields the app sets itself. */
export function templateShapeProblems(t: ExecutionTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const key of Object.keys(t.fields ?? {})) {
    if (APP_FIELDS.includes(key) || ['labels', 'fixVersions', 'components'].includes(key)) problems.push({ field: `testExecution.fields.${key}`, reason: 'reserved' });
  }
  if (templateFieldCount(t) > MAX_TEMPLATE_FIELDS) problems.push({ field: 'testExecution.fields', reason: 'tooMany', detail: String(MAX_TEMPLATE_FIELDS) });
  if (new TextEncoder().encode(JSON.stringify(t)).length > MAX_TEMPLATE_BYTES) problems.push({ field: 'testExecution', reason: 'tooLarge', detail: '16 KB' });
  return problems;
}

function optionValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const x = o.value ?? o.name ?? o.id;
    return typeof x === 'string' || typeof x === 'number' ? String(x) : undefined;
  }
  return undefined;
}

/**
 * Checks a template against the create metadata of the Test Execution type in a project: every field it names
 * exists there, picker values are ones Jira offers, and every field Jira requires (beyond those the app sets) is set.
 */
export function checkTemplate(t: ExecutionTemplate, meta: readonly CreateField[]): TemplateProblem[] {
  const problems = templateShapeProblems(t);
  const pickers: Array<['fixVersions' | 'components' | 'labels', string[] | undefined]> = [
    ['fixVersions', t.fixVersions],
    ['components', t.components],
    ['labels', t.labels],
  ];
  for (const [id, values] of pickers) {
    if (!values || values.length === 0) continue;
    const field = meta.find((f) => f.fieldId === id);
    if (!field) {
      problems.push({ field: `testExecution.${id}`, reason: 'unknown' });
      continue;
    }
    if (id === 'labels') continue;
    for (const v of values) {
      if (field.allowedValues && !field.allowedValues.includes(v)) problems.push({ field: `testExecution.${id}`, reason: 'value', detail: v });
    }
  }
  const set = new Set<string>(APP_FIELDS);
  for (const [id, values] of pickers) if (values && values.length > 0) set.add(id);
  for (const [key, value] of Object.entries(t.fields ?? {})) {
    const field = findField(meta, key);
    if (!field) {
      problems.push({ field: `testExecution.fields.${key}`, reason: 'unknown' });
      continue;
    }
    set.add(field.fieldId);
    if (field.allowedValues && field.type !== 'array') {
      const v = optionValue(value);
      if (v === undefined || !field.allowedValues.includes(v)) problems.push({ field: `testExecution.fields.${key}`, reason: 'value', detail: v ?? JSON.stringify(value).slice(0, 100) });
    }
  }
  for (const f of meta) {
    if (f.required && !set.has(f.fieldId) && !FILLED_BY_JIRA.has(f.fieldId)) problems.push({ field: `testExecution.fields.${f.fieldId}`, reason: 'required', detail: f.name });
  }
  return problems;
}

/** What a run adds to the template. */
export interface RunFields {
  /** The run's build: Xray's Revision field. */
  buildNo?: string;
  /** The run's version: a fixVersion beside the template's. */
  version?: string;
}

/**
 * The Jira fields a new Test Execution is created with, beyond project, type, summary and description: the template
 * (field names resolved to ids when the metadata is known) and the run's own. `revisionField` is the id of Xray's
 * Revision field; without it a build cannot be set, and `revisionLost` says so.
 */
export function executionFields(
  t: ExecutionTemplate | undefined,
  run: RunFields,
  meta: readonly CreateField[] | undefined,
): { fields: Record<string, unknown>; labels: string[]; revisionLost: boolean } {
  const fields: Record<string, unknown> = {};
  const versions = [...new Set([...(t?.fixVersions ?? []), ...(run.version ? [run.version] : [])])];
  if (versions.length > 0) fields.fixVersions = versions.map((name) => ({ name }));
  if (t?.components && t.components.length > 0) fields.components = t.components.map((name) => ({ name }));
  for (const [key, value] of Object.entries(t?.fields ?? {})) {
    const id = meta ? (findField(meta, key)?.fieldId ?? key) : key;
    fields[id] = value;
  }
  const revision = revisionFieldId(meta);
  if (run.buildNo && revision) fields[revision] = run.buildNo;
  return { fields, labels: [...(t?.labels ?? [])], revisionLost: !!run.buildNo && !revision };
}
