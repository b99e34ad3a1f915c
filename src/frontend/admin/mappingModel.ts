/** Pure logic of the Mapping tab: status map rows and edits, issue type names, and the patch of what changed. */
import type { IssueTypeNames, SettingsPatch, SettingsView, XrayTypeKind } from '../../shared/types';

// The settings view only carries the effective map: the defaults tell an override from a default, and what
// "Reset" goes back to.
import { DEFAULT_STATUS_MAP } from '../../shared/status-defaults';

export { DEFAULT_STATUS_MAP };

/**
 * Pending status map changes by incoming word: a status name, or `""` to drop the override (what `saveSettings`
 * takes as-is).
 */
export type StatusEdits = Record<string, string>;

/** One row of the status map editor. */
export interface StatusRow {
  incoming: string;
  /** The Xray status the row shows now, with its pending edit ("" while a reset is pending). */
  xray: string;
  /** The row goes back to its default, or away, on save (an emptied field means the same, as `""` does). */
  pendingReset: boolean;
  /** The row has an unsaved change. */
  edited: boolean;
  /** What Reset leads to: the default status, or undefined for a word the admin added (it is removed). */
  defaultStatus: string | undefined;
  /** Whether Reset would change anything. */
  resettable: boolean;
}

/** The editor's rows: the stored effective map with the edits on top, sorted by incoming word. */
export function statusRows(stored: Record<string, string>, edits: StatusEdits): StatusRow[] {
  const words = [...new Set([...Object.keys(stored), ...Object.keys(edits)])].sort();
  return words.map((incoming) => {
    const edit = edits[incoming];
    const storedStatus = stored[incoming];
    const defaultStatus = DEFAULT_STATUS_MAP[incoming];
    const pendingReset = edit === '';
    return {
      incoming,
      xray: edit ?? storedStatus ?? '',
      pendingReset,
      edited: edit !== undefined,
      defaultStatus,
      resettable: !pendingReset && storedStatus !== undefined && storedStatus !== defaultStatus,
    };
  });
}

/** Sets a row's status; choosing the stored status again drops the edit, so the row is not saved for nothing. */
export function setStatus(stored: Record<string, string>, edits: StatusEdits, incoming: string, xray: string): StatusEdits {
  const next = { ...edits };
  if (stored[incoming] === xray) delete next[incoming];
  else next[incoming] = xray;
  return next;
}

/** Marks a stored override for removal (`""`), or forgets a row that was only added in this session. */
export function resetStatus(stored: Record<string, string>, edits: StatusEdits, incoming: string): StatusEdits {
  const next = { ...edits };
  if (stored[incoming] === undefined) delete next[incoming];
  else next[incoming] = '';
  return next;
}

/** Drops a row's pending edit. */
export function undoStatus(edits: StatusEdits, incoming: string): StatusEdits {
  const next = { ...edits };
  delete next[incoming];
  return next;
}

/** Incoming words are matched case-insensitively; the backend keeps them upper-cased. */
export function normaliseWord(word: string): string {
  return word.trim().toUpperCase();
}

/** Why a new incoming word cannot be added (a resource key and its parameters), or undefined when it can. */
export function newWordProblem(
  rows: StatusRow[],
  word: string,
  xray: string,
): { key: string; params?: Record<string, string> } | undefined {
  const incoming = normaliseWord(word);
  if (incoming === '') return { key: 'admin.mapping.problem.noWord' };
  if (rows.some((r) => r.incoming === incoming)) return { key: 'admin.mapping.problem.exists', params: { word: incoming } };
  if (xray.trim() === '') return { key: 'admin.mapping.problem.noStatus', params: { word: incoming } };
  return undefined;
}

/** The Mapping tab's editable values besides the status map. */
export interface MappingFields {
  issueTypes: Record<XrayTypeKind, string[]>;
  /** The Test Execution issue type (`issueTypes.testExecution[0]`). */
  testExecutionType: string;
  defaultProjectKey: string;
  /** "" means the Test's own project. */
  defectsProjectKey: string;
  defectsIssueType: string;
  attachEvidence: boolean;
}

/** Xray's Test Execution type and Jira's Bug: what the backend uses when nothing is saved. */
export const DEFAULT_TEST_EXECUTION_TYPE = 'Test Execution';
export const DEFAULT_DEFECT_TYPE = 'Bug';

/** The fields as they start from stored settings. */
export function mappingFields(settings: SettingsView): MappingFields {
  return {
    issueTypes: {
      test: [...settings.issueTypes.test],
      testSet: [...settings.issueTypes.testSet],
      testPlan: [...settings.issueTypes.testPlan],
    },
    testExecutionType: settings.issueTypes.testExecution?.[0] ?? DEFAULT_TEST_EXECUTION_TYPE,
    defaultProjectKey: settings.defaultProjectKey ?? '',
    defectsProjectKey: settings.defects?.projectKey ?? '',
    defectsIssueType: settings.defects?.issueType ?? DEFAULT_DEFECT_TYPE,
    attachEvidence: settings.attachEvidence,
  };
}

const sameNames = (a: string[], b: string[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * The `saveSettings` patch of what the tab changed, and nothing else: a save from this tab must not overwrite a
 * setting another admin changed meanwhile on a field this one did not touch.
 */
export function mappingPatch(settings: SettingsView, edits: StatusEdits, fields: MappingFields): SettingsPatch {
  const patch: SettingsPatch = {};
  if (Object.keys(edits).length > 0) patch.statusMap = { ...edits };
  const issueTypes: Partial<IssueTypeNames> = {};
  for (const kind of ['test', 'testSet', 'testPlan'] as const) {
    const names = fields.issueTypes[kind].map((n) => n.trim()).filter((n) => n !== '');
    if (!sameNames(names, settings.issueTypes[kind])) issueTypes[kind] = names;
  }
  const storedExecution = settings.issueTypes.testExecution?.[0] ?? DEFAULT_TEST_EXECUTION_TYPE;
  if (fields.testExecutionType.trim() !== '' && fields.testExecutionType !== storedExecution) {
    issueTypes.testExecution = [fields.testExecutionType, ...(settings.issueTypes.testExecution ?? []).filter((n) => n !== fields.testExecutionType)];
  }
  if (Object.keys(issueTypes).length > 0) patch.issueTypes = issueTypes;
  const projectKey = fields.defaultProjectKey.trim().toUpperCase();
  // "" clears the default project: runs then go to the project of their first mapped Test.
  if (projectKey !== (settings.defaultProjectKey ?? '')) patch.defaultProjectKey = projectKey;
  const defects: NonNullable<SettingsPatch['defects']> = {};
  if (fields.defectsProjectKey !== (settings.defects?.projectKey ?? '')) defects.projectKey = fields.defectsProjectKey;
  if (fields.defectsIssueType !== (settings.defects?.issueType ?? DEFAULT_DEFECT_TYPE)) defects.issueType = fields.defectsIssueType;
  if (Object.keys(defects).length > 0) patch.defects = defects;
  if (fields.attachEvidence !== settings.attachEvidence) patch.attachEvidence = fields.attachEvidence;
  return patch;
}

/** Select options of names, the current ones kept even when Jira no longer lists them. */
export function nameOptions(available: readonly string[], current: readonly string[]): Array<{ label: string; value: string }> {
  return [...new Set([...available, ...current.filter((n) => n !== '')])].map((name) => ({ label: name, value: name }));
}
