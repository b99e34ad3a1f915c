import { z } from 'zod';
import type { DefectSettings, IssueTypeNames, SettingsPatch, SettingsView, SetupState, XrayRegion } from '../shared/types';
import { DEFAULT_ISSUE_TYPES } from './issue-kinds';
import { MAX_TEMPLATE_FIELDS, templateShapeProblems, type ExecutionTemplate } from './execution-template';
import { effectiveStatusMap, patchStatusOverrides, statusKey } from './status-map';
import { msg, type Message, type MessageKey, type MessageParam } from '../shared/message';

/** Settings as stored (secrets are kept apart, in encrypted secret storage). */
export interface StoredSettings {
  xray: { region: XrayRegion; clientId: string; requestsPer5Minutes: number };
  /** `autoPickup` only when an admin chose it: without, the default follows the site's deliveries. */
  testsigma: { baseUrl: string; autoPickup?: boolean };
  attachEvidence: boolean;
  /** The Run and Re-run buttons on Test Plans; only when an admin chose (default on). */
  runFromJira?: boolean;
  /** Only the admin's overrides; the effective map adds the defaults. */
  statusOverrides: Record<string, string>;
  /** Only kinds the admin saved; others use Xray's names. */
  issueTypes: Partial<IssueTypeNames>;
  defaultProjectKey?: string;
  /** Where createDefect files defects; only what the admin saved. */
  defects?: DefectSettings;
  /** The fields every created Test Execution carries (contract section 8). */
  testExecution?: ExecutionTemplate;
  /** Created Tests for results of unlinked cases; absent: off. */
  createTests?: { enabled: boolean; projectKey?: string };
}

/** Which secrets are set, for views and readiness checks. */
export interface SecretPresence {
  hasClientSecret: boolean;
  hasApiKey: boolean;
  hasWebtriggerSecret: boolean;
}

/** The Testsigma API host. */
export const DEFAULT_TESTSIGMA_BASE_URL = 'https://app.testsigma.com';
/**
 * The Testsigma hosts the manifest's egress (`permissions.external.fetch.backend`) allows, and so the only ones a
 * base URL may name: Forge refuses every other host at run time. The manifest test holds the two lists equal.
 */
export const TESTSIGMA_HOSTS: readonly string[] = ['app.testsigma.com'];
/** Xray Standard's request budget per 5 minutes and site. */
export const XRAY_STANDARD_BUDGET = 300;

/** Settings before an admin saved anything. */
export const DEFAULT_SETTINGS: StoredSettings = {
  xray: { region: 'global', clientId: '', requestsPer5Minutes: XRAY_STANDARD_BUDGET },
  testsigma: { baseUrl: DEFAULT_TESTSIGMA_BASE_URL },
  attachEvidence: false,
  statusOverrides: {},
  issueTypes: {},
};

/** Fills what an older or partial stored value lacks, so readers never see holes. */
export function withDefaults(stored: Partial<StoredSettings> | undefined): StoredSettings {
  return {
    xray: { ...DEFAULT_SETTINGS.xray, ...(stored?.xray ?? {}) },
    testsigma: { ...DEFAULT_SETTINGS.testsigma, ...(stored?.testsigma ?? {}) },
    attachEvidence: stored?.attachEvidence ?? DEFAULT_SETTINGS.attachEvidence,
    statusOverrides: { ...(stored?.statusOverrides ?? {}) },
    issueTypes: { ...(stored?.issueTypes ?? {}) },
    ...(stored?.defaultProjectKey ? { defaultProjectKey: stored.defaultProjectKey } : {}),
    ...(stored?.defects && (stored.defects.issueType || stored.defects.projectKey) ? { defects: { ...stored.defects } } : {}),
    ...(typeof stored?.runFromJira === 'boolean' ? { runFromJira: stored.runFromJira } : {}),
    ...(stored?.testExecution ? { testExecution: { ...stored.testExecution } } : {}),
    ...(stored?.createTests ? { createTests: { ...stored.createTests } } : {}),
  };
}

/** Whether users who may edit a Test Plan can run its Testsigma plan from Jira (default on). */
export function runFromJiraOn(s: StoredSettings): boolean {
  return s.runFromJira !== false;
}

/**
 * Whether the pick-up of runs started in Testsigma is on: the admin's explicit choice, else on until the site has
 * received a push-mode delivery (its CI may send the same runs under its own run ids: a second Test Execution).
 */
export function autoPickupOn(s: StoredSettings, pushDeliverySeen: boolean): boolean {
  return typeof s.testsigma.autoPickup === 'boolean' ? s.testsigma.autoPickup : !pushDeliverySeen;
}

/** The issue type createDefect files defects as when the admin saved none. */
export const DEFAULT_DEFECT_ISSUE_TYPE = 'Bug';

/** Where defects go: the saved type (else `Bug`) and the saved project (else none: the Test's own project). */
export function effectiveDefects(s: StoredSettings): { issueType: string; projectKey?: string } {
  return {
    issueType: s.defects?.issueType || DEFAULT_DEFECT_ISSUE_TYPE,
    ...(s.defects?.projectKey ? { projectKey: s.defects.projectKey } : {}),
  };
}

/** The issue type names in force: saved names per kind, else Xray's. */
export function effectiveIssueTypes(s: StoredSettings): Required<IssueTypeNames> {
  return {
    test: s.issueTypes.test ?? DEFAULT_ISSUE_TYPES.test,
    testSet: s.issueTypes.testSet ?? DEFAULT_ISSUE_TYPES.testSet,
    testPlan: s.issueTypes.testPlan ?? DEFAULT_ISSUE_TYPES.testPlan,
    testExecution: s.issueTypes.testExecution ?? DEFAULT_ISSUE_TYPES.testExecution,
  };
}

/** The issue type a run's Test Execution is created with (`issueTypes.testExecution[0]`, contract section 2). */
export function executionIssueType(s: StoredSettings): string {
  return effectiveIssueTypes(s).testExecution[0]!;
}

/** Most status overrides a site may keep: bounds the stored settings well under KVS's 240 KiB value limit. */
export const MAX_STATUS_OVERRIDES = 100;
/** Longest secret accepted: Xray's client secrets are 64 characters and Testsigma's API keys are JWTs of a few hundred. */
export const MAX_SECRET_LENGTH = 4096;

/**
 * A settings problem's sentence key. The schema's messages are these keys (zod carries them as its issue message);
 * `applySettingsPatch` turns them into a message with the field's parameters, and the resolver words it in the
 * admin's language.
 */
type SettingsKey = Extract<MessageKey, `settingsErrors.${string}`>;
const k = (key: SettingsKey): string => key;

const nonBlank = (key: SettingsKey) => z.string().trim().min(1, k(key));
const secret = (prefix: 'xrayClientSecret' | 'testsigmaApiKey') =>
  z
    .string()
    .max(MAX_SECRET_LENGTH, k(`settingsErrors.${prefix}Long`))
    .refine((v) => v === '' || v.trim() !== '', k(`settingsErrors.${prefix}Blank`))
    .optional();
const typeNames = () =>
  z
    .array(nonBlank('settingsErrors.issueTypeNameBlank').max(255, k('settingsErrors.issueTypeNameLong')))
    .min(1, k('settingsErrors.issueTypeNamesNone'))
    .max(20, k('settingsErrors.issueTypeNamesMany'))
    .refine((names) => new Set(names.map((n) => n.trim().toLowerCase())).size === names.length, k('settingsErrors.issueTypeNamesTwice'));

const projectKeySchema = z
  .string()
  .trim()
  // Jira project keys are upper-case, so "proj" can only mean PROJ.
  .transform((v) => v.toUpperCase())
  .refine((v) => v === '' || /^[A-Z][A-Z0-9_]{0,254}$/.test(v), k('settingsErrors.projectKeyFormat'));

const templateNames = () =>
  z
    .array(z.string().trim().min(1, k('settingsErrors.templateNames')).max(255, k('settingsErrors.templateNames')), { error: k('settingsErrors.templateNames') })
    .max(MAX_TEMPLATE_FIELDS, k('settingsErrors.templateNames'));

/** `testExecution` of `saveSettings` (contract section 8): each given part replaces the saved one. */
export const testExecutionPatchSchema = z
  .object({
    fixVersions: templateNames(),
    labels: templateNames().refine((ls) => ls.every((l) => !/\s/.test(l)), k('settingsErrors.templateLabel')),
    components: templateNames(),
    fields: z.record(z.string().trim().min(1).max(255), z.unknown()),
    splitByMachine: z.boolean(),
  })
  .partial()
  .strict();

/** `createTests` of `saveSettings`: `enabled` needs a `projectKey` (saved now or before). */
export const createTestsPatchSchema = z.object({ enabled: z.boolean(), projectKey: projectKeySchema }).partial().strict();

/** `defects` of `saveSettings`: "" resets a field to its default. */
export const defectsPatchSchema = z
  .object({
    issueType: z.string().trim().max(255, k('settingsErrors.issueTypeNameLong')),
    projectKey: projectKeySchema,
  })
  .partial()
  .strict();

/** Why a Testsigma base URL cannot be used, or undefined when it can. Never throws, whatever the text. */
function baseUrlProblem(v: string): SettingsKey | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return 'settingsErrors.baseUrlHttps';
  }
  if (u.protocol !== 'https:' || u.hostname === '') return 'settingsErrors.baseUrlHttps';
  // The URL is shown on the admin page and written to logs, so it must not carry credentials; a query or fragment
  // would break every API path appended to it.
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') {
    return 'settingsErrors.baseUrlPlain';
  }
  // An egress address without a port allows only https' own.
  if (!TESTSIGMA_HOSTS.includes(u.hostname) || u.port !== '') return 'settingsErrors.baseUrlHost';
  return undefined;
}

/** The schema of `saveSettings`'s payload: every part optional, unknown keys refused so typos do not vanish. */
export const settingsPatchSchema = z
  .object({
    xray: z
      .object({
        region: z.enum(['global', 'us', 'eu', 'au'], { error: k('settingsErrors.region') }),
        clientId: nonBlank('settingsErrors.xrayClientIdBlank').max(200, k('settingsErrors.xrayClientIdLong')),
        clientSecret: secret('xrayClientSecret'),
        requestsPer5Minutes: z
          .number({ error: k('settingsErrors.budgetNumber') })
          .int(k('settingsErrors.budgetWhole'))
          .min(10, k('settingsErrors.budgetMin'))
          .max(100_000, k('settingsErrors.budgetMax')),
      })
      .partial()
      .strict(),
    testsigma: z
      .object({
        baseUrl: z
          .string()
          .trim()
          // One check over one parse: zod runs every refine even after one failed, so a second `new URL` would
          // throw on "not a url" and the admin would read `internal` instead of the field's problem.
          .superRefine((v, ctx) => {
            const problem = baseUrlProblem(v);
            if (problem) ctx.addIssue({ code: 'custom', message: problem });
          }),
        apiKey: secret('testsigmaApiKey'),
        autoPickup: z.boolean({ error: k('settingsErrors.autoPickup') }),
      })
      .partial()
      .strict(),
    attachEvidence: z.boolean({ error: k('settingsErrors.attachEvidence') }),
    runFromJira: z.boolean({ error: k('settingsErrors.runFromJira') }),
    statusMap: z.record(
      z
        .string()
        .trim()
        .min(1, k('settingsErrors.statusWordBlank'))
        .max(64, k('settingsErrors.statusWordLong'))
        .regex(/^[A-Za-z0-9_ -]+$/, k('settingsErrors.statusWordChars')),
      z.string().max(64, k('settingsErrors.statusTargetLong')),
    ),
    issueTypes: z
      .object({ test: typeNames(), testSet: typeNames(), testPlan: typeNames(), testExecution: typeNames() })
      .partial()
      .strict(),
    defaultProjectKey: z
      .string()
      .trim()
      // Jira project keys are upper-case, so "proj" can only mean PROJ.
      .transform((v) => v.toUpperCase())
      .refine((v) => v === '' || /^[A-Z][A-Z0-9_]{0,254}$/.test(v), k('settingsErrors.projectKeyFormat')),
    defects: defectsPatchSchema,
    testExecution: testExecutionPatchSchema,
    createTests: createTestsPatchSchema,
  })
  .partial()
  .strict();

const KIND_LABEL = { test: 'Test', testSet: 'Test Set', testPlan: 'Test Plan', testExecution: 'Test Execution' } as const;

/** The outcome of applying a patch: new stored settings and the secrets to write, or the first problem. */
export type PatchResult =
  | { ok: true; settings: StoredSettings; secrets: { clientSecret?: string; apiKey?: string } }
  /** `problem` reads "<field>: <what is wrong and what to do>" (`settingsErrors.atField`). */
  | { ok: false; field: string; problem: Message };

/** The refusal of `field`, worded by `key` with its parameters. */
function refuse(field: string, key: SettingsKey, params: Record<string, MessageParam> = {}): { ok: false; field: string; problem: Message } {
  return { ok: false, field, problem: msg('settingsErrors.atField', { field, problem: msg(key, params) }) };
}

/** The parameters a schema message may name, read from where it failed (`issueTypes.testSet.0` names a kind). */
function schemaParams(path: readonly PropertyKey[]): Record<string, MessageParam> {
  const kind = path[0] === 'issueTypes' ? KIND_LABEL[path[1] as keyof typeof KIND_LABEL] : undefined;
  return { max: MAX_SECRET_LENGTH, hosts: TESTSIGMA_HOSTS.join(', '), ...(kind ? { kind } : {}) };
}

/** Validates a `saveSettings` payload and merges it over the stored settings; nothing is written here. */
export function applySettingsPatch(current: StoredSettings, payload: unknown): PatchResult {
  // JSON.parse makes "__proto__" an own key, which zod's record drops without an issue: refuse it rather than
  // answer "saved" for an entry that was never kept.
  const rawMap = payload && typeof payload === 'object' ? (payload as { statusMap?: unknown }).statusMap : undefined;
  if (rawMap && typeof rawMap === 'object' && Object.prototype.hasOwnProperty.call(rawMap, '__proto__')) {
    return refuse('statusMap.__proto__', 'settingsErrors.statusWordProto');
  }
  const parsed = settingsPatchSchema.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      // Name the unknown key itself, not its parent, so the admin page can point at what was misspelt.
      const names = issue.keys.map((name) => (at ? `${at}.${name}` : name));
      const field = names[0] ?? (at || 'settings');
      return { ok: false, field, problem: msg('settingsErrors.atField', { field: names.join(', '), problem: msg('settingsErrors.unknownSetting') }) };
    }
    const field = at || 'settings';
    // A record key's own message (why the status word is refused) hides under zod's generic "Invalid key in record".
    const said = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    if (said.startsWith('settingsErrors.')) return refuse(field, said as SettingsKey, schemaParams(issue.path));
    // Only zod's own checks are left: a wrong JSON type is said in our words, anything else quotes zod.
    if (issue.code === 'invalid_type') return refuse(field, 'settingsErrors.wrongType', { expected: issue.expected });
    return refuse(field, 'settingsErrors.invalid', { reason: said });
  }
  const p = parsed.data as SettingsPatch;
  const next = withDefaults(current);
  if (p.xray) {
    if (p.xray.region !== undefined) next.xray.region = p.xray.region;
    if (p.xray.clientId !== undefined) next.xray.clientId = p.xray.clientId.trim();
    if (p.xray.requestsPer5Minutes !== undefined) next.xray.requestsPer5Minutes = p.xray.requestsPer5Minutes;
  }
  if (p.testsigma?.baseUrl !== undefined) next.testsigma.baseUrl = p.testsigma.baseUrl.trim().replace(/\/+$/, '');
  if (p.testsigma?.autoPickup !== undefined) next.testsigma.autoPickup = p.testsigma.autoPickup;
  if (p.attachEvidence !== undefined) next.attachEvidence = p.attachEvidence;
  if (p.runFromJira !== undefined) next.runFromJira = p.runFromJira;
  if (p.statusMap) {
    const seenWords = new Set<string>();
    for (const [word, target] of Object.entries(p.statusMap)) {
      const key = statusKey(word);
      if (target !== '' && target.trim() === '') {
        return refuse(`statusMap.${key}`, 'settingsErrors.statusTargetBlank');
      }
      // "blocked" and "BLOCKED" are one entry: which one wins would depend on key order, so refuse the pair.
      if (seenWords.has(key)) {
        return refuse(`statusMap.${key}`, 'settingsErrors.statusWordTwice');
      }
      seenWords.add(key);
    }
    next.statusOverrides = patchStatusOverrides(next.statusOverrides, p.statusMap);
    if (Object.keys(next.statusOverrides).length > MAX_STATUS_OVERRIDES) {
      return refuse('statusMap', 'settingsErrors.statusMapFull', { max: MAX_STATUS_OVERRIDES });
    }
  }
  if (p.issueTypes) {
    const kinds = ['test', 'testSet', 'testPlan', 'testExecution'] as const;
    for (const kind of kinds) {
      const names = p.issueTypes[kind];
      if (names) next.issueTypes[kind] = names.map((n) => n.trim());
    }
    const all = effectiveIssueTypes(next);
    // Blame a kind this patch changed: the admin fixes the field they just edited, not one they never touched.
    const patched = kinds.filter((k) => p.issueTypes?.[k]);
    for (const kind of [...patched, ...kinds.filter((k) => !patched.includes(k))]) {
      for (const n of all[kind]) {
        const other = kinds.find((k) => k !== kind && all[k].some((m) => m.toLowerCase() === n.toLowerCase()));
        if (other) {
          return refuse(`issueTypes.${kind}`, 'settingsErrors.issueTypeTaken', { name: n, kind: KIND_LABEL[other] });
        }
      }
    }
  }
  if (p.defaultProjectKey !== undefined) {
    const key = p.defaultProjectKey.trim();
    if (key === '') delete next.defaultProjectKey;
    else next.defaultProjectKey = key;
  }
  if (p.defects) {
    const d: DefectSettings = { ...(next.defects ?? {}) };
    for (const f of ['issueType', 'projectKey'] as const) {
      const v = p.defects[f];
      if (v === undefined) continue;
      if (v === '') delete d[f];
      else d[f] = v;
    }
    if (d.issueType || d.projectKey) next.defects = d;
    else delete next.defects;
  }
  if (p.testExecution) {
    const t: ExecutionTemplate = { ...(next.testExecution ?? {}) };
    for (const f of ['fixVersions', 'labels', 'components'] as const) {
      const v = p.testExecution[f];
      if (v === undefined) continue;
      if (v.length === 0) delete t[f];
      else t[f] = [...new Set(v)];
    }
    if (p.testExecution.fields !== undefined) {
      // The given map replaces the saved one (contract section 8: each given part replaces the saved one); a field
      // set to null is left out of it.
      const fields = Object.fromEntries(Object.entries(p.testExecution.fields).filter(([, v]) => v !== null && v !== undefined));
      if (Object.keys(fields).length > 0) t.fields = fields;
      else delete t.fields;
    }
    if (p.testExecution.splitByMachine !== undefined) t.splitByMachine = p.testExecution.splitByMachine;
    for (const problem of templateShapeProblems(t)) {
      const key = ({ reserved: 'settingsErrors.templateReserved', tooMany: 'settingsErrors.templateTooMany', tooLarge: 'settingsErrors.templateTooLarge' } as const)[
        problem.reason as 'reserved' | 'tooMany' | 'tooLarge'
      ];
      if (key) return refuse(problem.field, key, { max: problem.detail ?? '' });
    }
    if (Object.keys(t).length > 0) next.testExecution = t;
    else delete next.testExecution;
  }
  if (p.createTests) {
    const c = { enabled: next.createTests?.enabled ?? false, ...(next.createTests?.projectKey ? { projectKey: next.createTests.projectKey } : {}) };
    if (p.createTests.enabled !== undefined) c.enabled = p.createTests.enabled;
    if (p.createTests.projectKey !== undefined) {
      if (p.createTests.projectKey === '') delete c.projectKey;
      else c.projectKey = p.createTests.projectKey;
    }
    if (c.enabled && !c.projectKey) return refuse('createTests.projectKey', 'settingsErrors.createTestsNeedsProject');
    next.createTests = c;
  }
  const secrets: { clientSecret?: string; apiKey?: string } = {};
  if (p.xray?.clientSecret) secrets.clientSecret = p.xray.clientSecret.trim();
  if (p.testsigma?.apiKey) secrets.apiKey = p.testsigma.apiKey.trim();
  return { ok: true, settings: next, secrets };
}

/** What the checklist shows before anything is known (no test run, no secret, no job). */
export const UNKNOWN_SETUP: SetupState = { xray: 'unknown', testsigma: 'not_set', secretCreated: false };

/** The admin page's view of the settings: no secret, only whether each is set. */
export function toSettingsView(
  s: StoredSettings,
  presence: SecretPresence,
  webtriggerUrl?: string,
  setup: SetupState = UNKNOWN_SETUP,
  pushDeliverySeen = false,
): SettingsView {
  return {
    xray: { region: s.xray.region, clientId: s.xray.clientId, hasClientSecret: presence.hasClientSecret, requestsPer5Minutes: s.xray.requestsPer5Minutes },
    testsigma: { baseUrl: s.testsigma.baseUrl, hasApiKey: presence.hasApiKey, autoPickup: autoPickupOn(s, pushDeliverySeen) },
    attachEvidence: s.attachEvidence,
    runFromJira: runFromJiraOn(s),
    statusMap: effectiveStatusMap(s.statusOverrides),
    issueTypes: effectiveIssueTypes(s),
    ...(s.defaultProjectKey ? { defaultProjectKey: s.defaultProjectKey } : {}),
    defects: effectiveDefects(s),
    ...(s.testExecution ? { testExecution: { ...s.testExecution } } : {}),
    ...(s.createTests ? { createTests: { ...s.createTests } } : {}),
    // Always present, like rotateWebtriggerSecret's `url`: empty when the platform cannot tell it.
    webtrigger: { url: webtriggerUrl ?? '', hasWebtriggerSecret: presence.hasWebtriggerSecret },
    setup,
  };
}
