/**
 * Types shared by the UI Kit frontend and the backend: the resolver envelope, the views the resolvers answer with,
 * and the payloads they take. These mirror contract.md section 2 and section 3 exactly; change them only with it.
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
  | 'internal';

/** Error codes the admin resolver answers with. */
export type AdminErrorCode = 'forbidden' | 'invalid_settings' | 'not_configured' | 'rate_limited' | 'internal';

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
}

/** One link as the panel shows it. */
export interface LinkView {
  testsigmaKind: TestsigmaKind;
  testsigmaId: string;
  name?: string;
  url?: string;
  linkedBy: string;
  linkedAt: string;
  lastResult?: LastResult;
}

/** Counts of one job (delivery). */
export interface JobCounts {
  received: number;
  synced: number;
  unmapped: number;
  failed: number;
}

/** A delivery of the linked Testsigma plan, as the Test Plan panel lists it. */
export interface RecentRun {
  runId: string;
  state: string;
  testExecutionKey?: string;
  at: string;
  counts: JobCounts;
}

/** How many of a Test Set's or Test Plan's Tests are linked to a Testsigma test case. */
export interface Coverage {
  total: number;
  linked: number;
  unlinked: Array<{ id: string; key: string }>;
}

/** What `getPanel`, `link` and `unlink` answer with. */
export interface PanelView {
  issue: { id: string; key: string; kind: IssueKind };
  canEdit: boolean;
  links: LinkView[];
  coverage?: Coverage;
  recentRuns?: RecentRun[];
}

/** Xray Cloud regions; each has its own API host. */
export type XrayRegion = 'global' | 'us' | 'eu' | 'au';

/** Issue type names per kind (Xray's defaults, or what the admin renamed them to). */
export interface IssueTypeNames {
  test: string[];
  testSet: string[];
  testPlan: string[];
}

/** What an admin may save (`saveSettings` takes any part of it). */
export interface SettingsInput {
  xray: { region: XrayRegion; clientId: string; clientSecret?: string; requestsPer5Minutes?: number };
  testsigma: { baseUrl: string; apiKey?: string };
  attachEvidence: boolean;
  statusMap: Record<string, string>;
  issueTypes: IssueTypeNames;
  defaultProjectKey?: string;
}

/** A partial `SettingsInput`, where `xray` and `testsigma` merge field by field. */
export type SettingsPatch = {
  xray?: Partial<SettingsInput['xray']>;
  testsigma?: Partial<SettingsInput['testsigma']>;
  attachEvidence?: boolean;
  statusMap?: Record<string, string>;
  issueTypes?: Partial<IssueTypeNames>;
  defaultProjectKey?: string;
};

/** Settings as the admin page sees them: secrets only as "is set". */
export interface SettingsView {
  xray: { region: XrayRegion; clientId: string; hasClientSecret: boolean; requestsPer5Minutes: number };
  testsigma: { baseUrl: string; hasApiKey: boolean };
  attachEvidence: boolean;
  statusMap: Record<string, string>;
  issueTypes: IssueTypeNames;
  defaultProjectKey?: string;
  /** `url` is empty when the platform cannot tell it. */
  webtrigger: { url: string; hasWebtriggerSecret: boolean };
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
  counts: JobCounts;
  unmapped: string[];
  errors: string[];
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** Resolver keys with their payloads and answers, for the typed invoke wrappers. */
export interface PanelResolverApi {
  getPanel: { payload: { refresh?: boolean }; data: PanelView };
  link: { payload: { testsigmaId: string }; data: PanelView };
  unlink: { payload: { testsigmaId: string }; data: PanelView };
}

/** Admin resolver keys with their payloads and answers. */
export interface AdminResolverApi {
  getSettings: { payload: Record<string, never>; data: SettingsView };
  saveSettings: { payload: SettingsPatch; data: SettingsView };
  testConnection: { payload: Record<string, never>; data: ConnectionReport };
  rotateWebtriggerSecret: { payload: Record<string, never>; data: { secret: string; url: string } };
  listJobs: { payload: { cursor?: string }; data: { jobs: JobView[]; nextCursor?: string } };
  retryJob: { payload: { jobId: string }; data: JobView };
}
