/**
 * Types shared by the UI Kit frontend and the backend: the resolver envelope, the views the resolvers answer with,
 * and the payloads they take. These mirror the app's fixed resolver API and the web trigger API (docs/webtrigger-api.md) exactly; change them only with those.
 */

/** The kind of Xray issue a panel is on. */
export type IssueKind = 'test' | 'testSet' | 'testPlan';
/** The kind of Testsigma entity that links to an Xray issue of the matching kind. */
export type TestsigmaKind = 'testCase' | 'testSuite' | 'testPlan';

/** Error codes the panel resolver answers with. */
export type PanelErrorCode =
  | 'not_xray_issue'
  | 'invalid_id'
  | 'already_linked'
  | 'not_linked'
  | 'forbidden'
  | 'not_found'
  | 'not_configured'
  | 'rate_limited'
  | 'no_failure'
  | 'internal';

/** Error codes the admin resolver answers with. */
export type AdminErrorCode =
  | 'forbidden'
  | 'invalid_settings'
  | 'not_configured'
  | 'rate_limited'
  | 'not_found'
  | 'internal';

/** Every resolver answer: never a thrown error (the platform's consent error aside). */
export type Envelope<T, C extends string = string> =
  | { ok: true; data: T }
  | { ok: false; error: { code: C; message: string } };

/** The newest synced result of a linked Testsigma case. */
export interface LastResult {
  status: string;
  runId: string;
  testExecutionKey?: string;
  at: string;
  /** How many attempts the run made of this case, when it retried it (contract section 3, `attempt`). */
  attempts?: number;
  /** Jira keys of the defects linked to this result's test run. */
  defects?: string[];
}

/** One synced result of a case, as its history lists it (one entry a run). */
export interface HistoryEntry {
  status: string;
  runId: string;
  at: string;
}

/** One link as the panel shows it. */
export interface LinkView {
  testsigmaKind: TestsigmaKind;
  testsigmaId: string;
  name?: string;
  url?: string;
  linkedBy: string;
  linkedAt: string;
  /** The app linked it, to a Test it created for the case (contract section 8). */
  linkedByApp?: boolean;
  lastResult?: LastResult;
  /** Test links only: the case's latest synced results, one per run, newest first, at most 10. */
  history?: HistoryEntry[];
  /** Test links only: the last 10 results flip between passing and failing at least twice, or the last passed only on a retry. */
  flaky?: boolean;
}

/** Counts of one job (delivery). */
export interface JobCounts {
  received: number;
  synced: number;
  unmapped: number;
  failed: number;
  /** Results synced to a Test the app created (or found again) for an unlinked case; also counted `synced`. */
  created?: number;
}

/** A delivery of the linked Testsigma plan, as the Test Plan panel lists it. */
export interface RecentRun {
  runId: string;
  /** A job state, or `running`: a run Testsigma has not finished (its job waits as `queued`, `waiting: 'testsigma'`). */
  state: string;
  testExecutionKey?: string;
  /** Every Test Execution of a run split by machine (`testExecutionKey` is the first). */
  testExecutionKeys?: string[];
  at: string;
  counts: JobCounts;
  /** Who started it: a delivery to the web trigger, `runPlan`/`rerunFailed`, or the pick-up of runs started in Testsigma. */
  source?: RunSource;
  /** Its synced results by Xray status: what the run says about the release (contract section 8). */
  statuses?: Record<string, number>;
  /** The run in Testsigma's web app, when known. */
  testsigmaUrl?: string;
}

/** Who started a run (contract section 8). */
export type RunSource = 'executor' | 'jira' | 'testsigma';

/** What the Run dialog offers (`getRunOptions`). */
export interface RunOptions {
  canRun: boolean;
  environments: Array<{ id: string; name: string }>;
  savedConfigs: Array<{ id: string; name: string }>;
}

/** What `runPlan` takes: all optional. */
export interface RunPlanInput {
  buildNo?: string;
  environmentId?: string;
  savedConfigId?: string;
}

/** How many of a Test Set's or Test Plan's Tests are linked to a Testsigma test case. */
export interface Coverage {
  total: number;
  linked: number;
  unlinked: Array<{ id: string; key: string }>;
}

/**
 * Why a section the panel would normally carry is missing (contract section 2); `storage_busy`: storage throttled a
 * read the section needed (contract section 8).
 */
export type PanelNoticeCode = 'xray_not_configured' | 'xray_unavailable' | 'testsigma_not_configured' | 'testsigma_unavailable' | 'storage_busy';

/** A notice the panel shows in the section it explains. */
export interface PanelNotice {
  code: PanelNoticeCode;
  message: string;
}

/** One of the flakiest linked cases of a Test Set or Test Plan. */
export interface FlakyCase {
  testsigmaId: string;
  /** The case's deep link into Testsigma (the configured host and the id). */
  url?: string;
  /** The Test, with its summary as the viewer's Jira answered it (left out when it did not). */
  test: { id: string; key: string; summary?: string };
  flips: number;
  lastStatuses: string[];
}

/** What `getPanel`, `link`, `unlink` and `createDefect` answer with. */
export interface PanelView {
  issue: { id: string; key: string; kind: IssueKind };
  canEdit: boolean;
  links: LinkView[];
  notices?: PanelNotice[];
  coverage?: Coverage;
  recentRuns?: RecentRun[];
  /** Test Set and Test Plan only: the flakiest linked cases, most flips first (at most 10). */
  flaky?: FlakyCase[];
}

/** Xray Cloud regions; each has its own API host. */
export type XrayRegion = 'global' | 'us' | 'eu' | 'au';

/** The Xray issue kinds whose type names the panel recognises. */
export type XrayTypeKind = 'test' | 'testSet' | 'testPlan';

/** Issue type names per kind (Xray's defaults, or what the admin renamed them to). */
export interface IssueTypeNames {
  test: string[];
  testSet: string[];
  testPlan: string[];
  /** `[0]` is the issue type a run's Test Execution is created with (default `Test Execution`). */
  testExecution?: string[];
}

/** Where `createDefect` files defects: default issue type `Bug`, default project the Test's. */
export interface DefectSettings {
  issueType?: string;
  projectKey?: string;
}

/** The fields every Test Execution the app creates carries (contract section 8): Jira field ids or names. */
export interface TestExecutionSettings {
  fixVersions?: string[];
  labels?: string[];
  components?: string[];
  /** Other fields, e.g. a custom field the site makes required: `{ "customfield_10050": { "value": "QA" } }`. */
  fields?: Record<string, unknown>;
  /** One Test Execution per run and machine. */
  splitByMachine?: boolean;
}

/** Created Tests for results of unlinked cases (contract section 8): off by default; `enabled` needs `projectKey`. */
export interface CreateTestsSettings {
  enabled: boolean;
  projectKey?: string;
}

/** A field a Test Execution can be created with, for the template's pickers. */
export interface ExecutionFieldView {
  id: string;
  name: string;
  required: boolean;
  type: string;
  /** Version, component or option names a picker offers (at most 200). */
  allowedValues?: string[];
}

/** What an admin may save (`saveSettings` takes any part of it). */
export interface SettingsInput {
  xray: { region: XrayRegion; clientId: string; clientSecret?: string; requestsPer5Minutes?: number };
  testsigma: { baseUrl: string; apiKey?: string; autoPickup?: boolean };
  attachEvidence: boolean;
  statusMap: Record<string, string>;
  issueTypes: IssueTypeNames;
  defaultProjectKey?: string;
  defects?: DefectSettings;
  /** The Run and Re-run buttons on Test Plans (default on). */
  runFromJira?: boolean;
  testExecution?: TestExecutionSettings;
  createTests?: CreateTestsSettings;
}

/** A partial `SettingsInput`, where `xray` and `testsigma` merge field by field. */
export type SettingsPatch = {
  xray?: Partial<SettingsInput['xray']>;
  testsigma?: Partial<SettingsInput['testsigma']>;
  attachEvidence?: boolean;
  statusMap?: Record<string, string>;
  issueTypes?: Partial<IssueTypeNames>;
  defaultProjectKey?: string;
  defects?: DefectSettings;
  runFromJira?: boolean;
  /** Each given part replaces the saved one. */
  testExecution?: TestExecutionSettings;
  createTests?: Partial<CreateTestsSettings>;
};

/** What a "Get started" checklist needs (contract section 2, `SettingsView.setup`). */
export interface SetupState {
  xray: 'unknown' | 'ok' | 'failed';
  testsigma: 'not_set' | 'unknown' | 'ok' | 'failed';
  secretCreated: boolean;
  firstRunAt?: string;
  xrayStatuses?: string[];
  /**
   * When the connection test whose outcome `xray` gives ran (ISO 8601): "Connected · tested 2 hours ago" on the
   * admin page. Absent while `xray` is `unknown`. An addition to the contract's `setup`, which stays as it was.
   */
  xrayTestedAt?: string;
  /** The same for `testsigma`; absent while it is `unknown` or `not_set`. */
  testsigmaTestedAt?: string;
  /** The pick-up of runs started in Testsigma (contract section 8). */
  pickup?: PickupState;
}

/** The pick-up's trace for the admin page. */
export interface PickupState {
  on: boolean;
  lastRoundAt?: string;
  runsPickedUp: number;
  /** Why a plan's runs could not be listed in the last round, and what to do. */
  problem?: string;
}

/** Settings as the admin page sees them: secrets only as "is set". */
export interface SettingsView {
  xray: { region: XrayRegion; clientId: string; hasClientSecret: boolean; requestsPer5Minutes: number };
  testsigma: { baseUrl: string; hasApiKey: boolean; autoPickup: boolean };
  attachEvidence: boolean;
  statusMap: Record<string, string>;
  /** Effective: the Run and Re-run buttons on Test Plans. */
  runFromJira: boolean;
  issueTypes: IssueTypeNames;
  defaultProjectKey?: string;
  /** Effective: the defaults (`Bug`, the Test's project) where nothing is saved. */
  defects?: DefectSettings;
  /** The Test Execution template, when one is saved. */
  testExecution?: TestExecutionSettings;
  /** Created Tests, when an admin saved the setting (absent: off). */
  createTests?: CreateTestsSettings;
  /** `url` is empty when the platform cannot tell it. */
  webtrigger: { url: string; hasWebtriggerSecret: boolean };
  /** Contract section 2: what a "Get started" checklist needs. */
  setup: SetupState;
}

/** What `testConnection` answers with. */
export interface ConnectionReport {
  xray: { ok: boolean; message: string; statuses?: string[] };
  testsigma: { ok: boolean; message: string };
}

/** The state of a job (one delivery of a run). */
export type JobState = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';

/** A job as the web trigger's `GET ?job=` and the admin sync log show it. */
export interface JobView {
  jobId: string;
  runId: string;
  state: JobState;
  testExecutionKey?: string;
  /** Every Test Execution of a run split by machine (`testExecutionKey` is the first). */
  testExecutionKeys?: string[];
  counts: JobCounts;
  unmapped: string[];
  errors: string[];
  /** Synced results by the Xray status they were sent with. */
  statuses?: Record<string, number>;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** While the job is `queued` for a run Testsigma has not finished (a run started from Jira). */
  waiting?: 'testsigma';
}

/** Resolver keys with their payloads and answers, for the typed invoke wrappers. */
export interface PanelResolverApi {
  /** `summary: true` answers the lighter view of the issue's summary (links, last results, the newest run). */
  getPanel: { payload: { refresh?: boolean; summary?: boolean }; data: PanelView };
  link: { payload: { testsigmaId: string }; data: PanelView };
  unlink: { payload: { testsigmaId: string }; data: PanelView };
  createDefect: { payload: { testsigmaId: string }; data: PanelView };
  getRunOptions: { payload: Record<string, never>; data: RunOptions };
  runPlan: { payload: RunPlanInput; data: PanelView };
  rerunFailed: { payload: { runId: string }; data: PanelView };
}

/** Admin resolver keys with their payloads and answers. */
export interface AdminResolverApi {
  getSettings: { payload: Record<string, never>; data: SettingsView };
  saveSettings: { payload: SettingsPatch; data: SettingsView };
  testConnection: { payload: Record<string, never>; data: ConnectionReport };
  rotateWebtriggerSecret: { payload: Record<string, never>; data: { secret: string; url: string } };
  listJobs: { payload: { cursor?: string }; data: { jobs: JobView[]; nextCursor?: string } };
  retryJob: { payload: { jobId: string }; data: JobView };
  /** Frees one Testsigma test case whose Test the app cannot read (contract section 8). */
  freeCase: { payload: { testsigmaId: string }; data: { freed: boolean; heldBy?: string } };
  listProjects: { payload: { query?: string }; data: { projects: Array<{ id: string; key: string; name: string }> } };
  listIssueTypes: { payload: { projectKey: string }; data: { issueTypes: Array<{ id: string; name: string }> } };
  /** The Test Execution template's pickers: the create metadata of the type (default `Test Execution`) in a project. */
  listExecutionFields: { payload: { projectKey: string; issueType?: string }; data: { fields: ExecutionFieldView[] } };
}
