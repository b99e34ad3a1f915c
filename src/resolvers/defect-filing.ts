/**
 * createDefect's work (contract section 2): files a Jira defect for a linked case's failed last result, as the
 * user, and links it to the Test ("Relates") and to the case's test run in Xray; or, while the defect filed last for
 * the case is still open, links that one to the newer run instead.
 *
 * Xray is asked twice at most (`getTestRun`, then `addDefectsToTestRun`), through the site's Xray client, so the
 * requests come from the shared budget. The test run is read before anything is created, so a run Xray cannot find
 * leaves nothing behind; once the Jira issue exists, every later failure keeps it and names its key. The whole filing
 * holds the case's filing claim, so two calls at once cannot both find no open defect and file two.
 */
import type { JiraPort, Logger, Clock } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { XrayError } from '../xray/xray-types';
import { AppError } from '../errors/app-error';
import { msg, type MessageParam } from '../shared/message';
import { createIssue, getIssue, getStatusCategory, JiraError, linkIssues, myPermissions } from '../jira/jira-client';
import type { CaseResultRecord } from '../store/run-store';
import { LinkStore } from '../store/link-store';
import { findCaseResult, putCaseResultBack } from '../store/test-results';
import { DefectStore } from '../store/defect-store';
import { SettingsStore } from '../store/settings-store';
import { effectiveDefects, StoredSettings } from '../domain/settings';
import { RunStore } from '../store/run-store';
import { defectDescription, defectSummary, isFailedStatus } from '../domain/defect-report';

/** What filing a defect needs. */
export interface DefectFilingDeps {
  kvs: KvsPort;
  jira: JiraPort;
  clock: Clock;
  log: Logger;
  /** The site's Xray client (shared token cache and request budget). */
  xrayClientFor(config: XrayClientConfig): XrayClient;
}

/** One createDefect call, after the panel checked the issue (a Test the user may edit) and the link. */
export interface DefectRequest {
  test: { id: string; key: string; projectKey: string };
  accountId: string;
  caseId: string;
  caseName?: string;
  settings: StoredSettings;
}

/** Files or re-links defects. */
export interface DefectFiler {
  file(req: DefectRequest): Promise<void>;
}

const GET_TEST_RUN = `query ($testIssueId: String, $testExecIssueId: String) {
  getTestRun(testIssueId: $testIssueId, testExecIssueId: $testExecIssueId) {
    id status { name } comment defects testExecution { testEnvironments jira(fields: ["summary"]) }
  }
}`;
const ADD_DEFECTS = `mutation ($id: String!, $issues: [String]!) {
  addDefectsToTestRun(id: $id, issues: $issues) { addedDefects warnings }
}`;

interface TestRunAnswer {
  getTestRun: {
    id?: string;
    comment?: string | null;
    defects?: string[] | null;
    testExecution?: { testEnvironments?: string[] | null; jira?: { summary?: unknown } | null } | null;
  } | null;
}

/** Builds the defect filer. */
export function createDefectFiler(deps: DefectFilingDeps): DefectFiler {
  const defects = new DefectStore(deps.kvs);
  const settingsStore = new SettingsStore(deps.kvs);

  async function xrayClient(settings: StoredSettings): Promise<XrayClient> {
    const clientSecret = settings.xray.clientId.trim() ? await settingsStore.secret('xrayClientSecret') : undefined;
    if (!clientSecret) {
      throw new AppError('not_configured', msg('apiErrors.defect.xrayNotConfigured'));
    }
    return deps.xrayClientFor({
      region: settings.xray.region,
      clientId: settings.xray.clientId,
      clientSecret,
      requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    });
  }

  /** The open defect this case had filed last from this Test, if any (Jira's status category is not done). */
  async function openDefect(caseId: string, testIssueId: string) {
    const rec = await defects.get(caseId);
    if (!rec || rec.testIssueId !== testIssueId) return undefined;
    const category = await getStatusCategory(deps.jira.asApp(), rec.issueId);
    return category && category !== 'done' ? rec : undefined;
  }

  /** The filing itself, run while the call holds the case's filing claim. */
  const claimed: DefectFiler = {
    async file(req) {
      const { test, caseId, settings } = req;
      const held = await findCaseResult(deps.kvs, test.id, caseId, (await new LinkStore(deps.kvs).listWithPlans(test.id)).plans);
      const last: CaseResultRecord | undefined = held?.rec;
      if (!last || (last.testIssueId !== undefined && last.testIssueId !== test.id) || !isFailedStatus(last.status)) {
        throw new AppError(
          'no_failure',
          last && (last.testIssueId === undefined || last.testIssueId === test.id)
            ? msg('apiErrors.defect.notFailed', { id: caseId, status: last.status })
            : msg('apiErrors.defect.noResult', { id: caseId, issue: test.key }),
        );
      }
      if (!last.testExecutionKey) {
        throw new AppError('not_found', msg('apiErrors.defect.noExecution', { id: caseId }));
      }
      const where = effectiveDefects(settings);
      const projectKey = where.projectKey ?? test.projectKey;
      const asUser = deps.jira.asUser(req.accountId);
      const [xray, perms, reuse, exec, runRec] = await Promise.all([
        xrayClient(settings),
        myPermissions(asUser, ['CREATE_ISSUES'], { projectKey }).catch((err: unknown) => {
          if (err instanceof JiraError && err.status === 404) return { CREATE_ISSUES: false };
          throw err;
        }),
        openDefect(caseId, test.id),
        last.testExecutionId ? undefined : getIssue(deps.jira.asApp(), last.testExecutionKey),
        new RunStore(deps.kvs).get(last.runId).catch(() => undefined),
      ]);
      const execId = last.testExecutionId ?? exec?.id;
      if (!execId) {
        throw new AppError('not_found', msg('apiErrors.defect.executionGone', { execution: last.testExecutionKey }));
      }
      if (!perms['CREATE_ISSUES']) {
        throw new AppError('forbidden', msg('apiErrors.defect.cannotCreate', { project: projectKey }));
      }
      if (reuse && last.defects?.includes(reuse.key)) return; // already linked to this very run: nothing to do

      // 1st Xray request, before anything exists: the run, with what the description needs.
      const answer = await xrayCall(() => xray.graphql<TestRunAnswer>(GET_TEST_RUN, { testIssueId: test.id, testExecIssueId: execId }, { idempotent: true }));
      const run = answer.getTestRun;
      if (!run?.id) {
        throw new AppError('not_found', msg('apiErrors.defect.noTestRun', { issue: test.key, execution: last.testExecutionKey }));
      }

      let defect = reuse ? { id: reuse.issueId, key: reuse.key } : undefined;
      if (!defect) {
        // The run's summary is its Test Execution's: read in the run's own request, so it costs nothing more.
        const xraySummary = run.testExecution?.jira?.summary;
        const runSummary = typeof xraySummary === 'string' && xraySummary.trim() !== '' ? xraySummary : exec?.summary;
        const facts = {
          caseId,
          ...(req.caseName ? { caseName: req.caseName } : {}),
          runId: last.runId,
          ...(runSummary ? { runSummary } : {}),
          status: last.status,
          ...(run.comment ? { message: run.comment } : {}),
          ...(run.testExecution?.testEnvironments?.length ? { environments: run.testExecution.testEnvironments } : {}),
          ...(last.attempts ? { attempts: last.attempts } : {}),
          testKey: test.key,
          testExecutionKey: last.testExecutionKey,
          ...(runRec?.testsigmaUrl ? { testsigmaRunUrl: runRec.testsigmaUrl } : {}),
        };
        try {
          defect = await createIssue(asUser, {
            projectKey,
            issueTypeName: where.issueType,
            summary: defectSummary(facts),
            description: defectDescription(facts),
          });
        } catch (err) {
          if (err instanceof JiraError && err.status === 400) {
            throw new AppError('internal', msg('apiErrors.defect.jiraRefused', { project: projectKey, type: where.issueType, reason: err.message.replace(/^Jira answered 400 to the issue create: ?/, '') }));
          }
          throw err;
        }
        deps.log.info('defect created', { caseId, testIssueId: test.id, defect: defect.key });
      }

      const created = defect;
      try {
        // Remembered first: should a later step fail, a retry links this defect instead of filing a second one.
        await defects.put(caseId, {
          issueId: created.id,
          key: created.key,
          testIssueId: test.id,
          createdAt: reuse?.createdAt ?? new Date(deps.clock.now()).toISOString(),
          runIds: [...(reuse?.runIds ?? []).filter((r) => r !== last.runId), last.runId],
        });
        if (!reuse) await linkIssues(asUser, 'Relates', test.key, created.key);
        // 2nd Xray request.
        await xrayCall(() => xray.graphql(ADD_DEFECTS, { id: run.id, issues: [created.id] }, { idempotent: true }));
        await putCaseResultBack(deps.kvs, caseId, held!, {
          ...last,
          testExecutionId: execId,
          defects: [...new Set([...(last.defects ?? []), created.key])],
        });
      } catch (err) {
        // Our own error reads in the caller's language; anyone else's (Jira's, storage's) is quoted as it came.
        let why: MessageParam;
        if (err instanceof AppError) why = err.problem;
        else {
          const raw = err instanceof Error ? err.message : String(err);
          why = /[.!?]$/.test(raw) ? raw : `${raw}.`;
        }
        const code = err instanceof AppError ? err.code : 'internal';
        throw new AppError(
          code,
          reuse
            ? msg('apiErrors.defect.relinkFailed', { defect: created.key, id: caseId, why })
            : msg('apiErrors.defect.linkFailed', { defect: created.key, issue: test.key, execution: last.testExecutionKey, why }),
        );
      }
    },
  };

  return {
    async file(req) {
      // Claimed before the open defect is read: a second call at the same time must not see "none" and file again.
      if (!(await defects.claimFiling(req.caseId, new Date(deps.clock.now()).toISOString()))) {
        throw new AppError('already_linked', msg('apiErrors.defect.beingFiled'));
      }
      try {
        await claimed.file(req);
      } finally {
        // A release that fails leaves the claim to its ttl; the filing's own answer stands.
        await defects.releaseFiling(req.caseId).catch((err: unknown) =>
          deps.log.warn('defect filing claim not released', { caseId: req.caseId, error: err instanceof Error ? err.message : String(err) }),
        );
      }
    },
  };
}

/** Xray failures as panel errors: a 429 is `rate_limited`, anything else `internal`, each saying what to do. */
async function xrayCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof XrayError) {
      if (err.kind === 'rate_limited') throw new AppError('rate_limited', msg('apiErrors.defect.xrayBusy'));
      throw new AppError('internal', msg('apiErrors.defect.xrayRefused', { reason: err.message }));
    }
    throw err;
  }
}
