import type { Coverage, FlakyCase, HistoryEntry, IssueKind, LastResult, LinkView, PanelNotice, PanelNoticeCode, PanelView, RecentRun, TestsigmaKind } from '../shared/types';
import type { JiraPort, Logger, Clock } from '../ports';
import { isKvsThrottle, patiently, type KvsPort } from '../store/kvs-port';
import { AppError } from '../errors/app-error';
import { msg, type Message } from '../shared/message';
import { ResolverHandlers, ResolverRequest, toEnvelope } from './envelope';
import { getIssue, bulkFetchIssues, myPermissions, type JiraIssue } from '../jira/jira-client';
import { withReadRetries } from '../jira/jira-read-retry';
import { LinkRecord, LinkStore } from '../store/link-store';
import { readAheadScope, withReadAhead } from '../store/read-ahead';
import { ListedLinks, readPanelAhead } from './panel-read-ahead';
import { SettingsStore } from '../store/settings-store';
import { effectiveIssueTypes, StoredSettings } from '../domain/settings';
import { kindOfIssueType, TESTSIGMA_KIND_OF, XRAY_NOUN } from '../domain/issue-kinds';
import { parseTestsigmaId } from '../domain/testsigma-id';
import type { DefectFiler } from './defect-filing';
import type { PlanRunner } from './plan-runner';
import { runFromJiraOn } from '../domain/settings';
import { testsigmaUrl } from '../testsigma/testsigma-client';

/** A Test link's synced results: the last one, the history, and whether it is flaky. */
export interface CaseResults {
  lastResult: LastResult;
  history: HistoryEntry[];
  flaky: boolean;
}
import { translate } from '../i18n/translate';

/** The issue a panel is on, as Jira reports it to the user. */
export interface PanelIssue {
  id: string;
  key: string;
  kind: IssueKind;
  projectKey: string;
}

/** Tells the panel why a part it would show is missing (contract section 2, `PanelView.notices`). */
export type NoticeSink = (code: PanelNoticeCode) => void;

/**
 * What the panel shows beyond the links themselves (names, last results, coverage, runs). Every part is optional
 * and best-effort: an answer it cannot get is left out, never failing the panel, and says why through `notice`.
 */
export interface PanelInsights {
  /** Names and deep links of Testsigma entities. */
  entities?(kind: TestsigmaKind, ids: string[], opts: { refresh: boolean; settings: StoredSettings; notice?: NoticeSink; testIssueId?: string }): Promise<Map<string, { name?: string; url?: string }>>;
  /** The newest synced result per Testsigma case id. */
  lastResults?(caseIds: string[]): Promise<Map<string, LastResult>>;
  /** The last result, history and flakiness per case id of a Test's links (used in place of `lastResults`). */
  caseResults?(testIssueId: string, caseIds: string[], plans?: readonly string[]): Promise<Map<string, CaseResults>>;
  /** The flakiest linked cases of a Test Set's or Test Plan's Tests. */
  flakyCases?(issue: PanelIssue, opts: { refresh: boolean; settings: StoredSettings; testsigmaPlanId?: string }): Promise<FlakyCase[] | undefined>;
  /** Coverage of a Test Set's or Test Plan's Tests. */
  coverage?(issue: PanelIssue, opts: { refresh: boolean; settings: StoredSettings; notice?: NoticeSink }): Promise<Coverage | undefined>;
  /** The latest jobs of a linked Testsigma plan, newest first: `limit` of them (default 10). */
  recentRuns?(testsigmaPlanId: string, limit?: number): Promise<RecentRun[] | undefined>;
}

/** What the panel resolver needs. */
export interface PanelDeps {
  kvs: KvsPort;
  jira: JiraPort;
  clock: Clock;
  log: Logger;
  insights?: PanelInsights;
  /** Files defects for createDefect; without it createDefect answers not_configured. */
  defects?: DefectFiler;
  /** Runs the linked Testsigma plan (runPlan, rerunFailed, getRunOptions); without it they answer not_configured. */
  runs?: PlanRunner;
}

/** The panel resolver's handlers (`getPanel`, `link`, `unlink`, `createDefect`), per contract section 2. */
export function createPanelResolver(deps: PanelDeps): ResolverHandlers {
  // Reads in a getPanel call are answered from what it read ahead (`panel-read-ahead.ts`).
  const kvs = withReadAhead(deps.kvs);
  // A transient Jira fault on a read is tried again rather than shown as an error.
  const jira = withReadRetries(deps.jira);
  const links = new LinkStore(kvs);
  const settingsStore = new SettingsStore(kvs);

  /** Reads the issue as the user (proving they may see it) and its kind, and whether they may edit it. */
  async function loadIssue(req: ResolverRequest, needEdit: boolean, purpose: 'links' | 'defects' = 'links', settingsAfter?: Promise<unknown>) {
    const accountId = req.context.accountId;
    const issueId = issueIdOf(req);
    if (!accountId || !issueId) {
      throw new AppError('not_found', msg('apiErrors.panel.noIssue'));
    }
    const asUser = jira.asUser(accountId);
    // In parallel for speed; the permission answer is only read once the issue proved visible (Jira answers 404
    // to both for a hidden issue, and the user must not learn more than "not found").
    const [jiraIssue, settings, permsOrError] = await Promise.all([
      getIssue(asUser, issueId),
      // A short storage throttle is waited out (well inside a resolver's 25 s) rather than answered rate_limited.
      // An open reads the settings with its other keys, once it has listed the issue's links.
      (settingsAfter ?? Promise.resolve()).then(
        () => patiently(() => settingsStore.get()),
        () => patiently(() => settingsStore.get()),
      ),
      myPermissions(asUser, ['EDIT_ISSUES'], { issueId }).catch((err: unknown) => err as Error),
    ]);
    if (!jiraIssue) {
      throw new AppError('not_found', msg('apiErrors.panel.notFound'));
    }
    if (permsOrError instanceof Error) throw permsOrError;
    const perms = permsOrError;
    const names = effectiveIssueTypes(settings);
    const kind = kindOfIssueType(jiraIssue.typeName, names);
    if (!kind) {
      throw new AppError(
        'not_xray_issue',
        msg('apiErrors.panel.notXrayIssue', { issue: jiraIssue.key, type: jiraIssue.typeName, test: names.test[0]!, testSet: names.testSet[0]!, testPlan: names.testPlan[0]! }),
      );
    }
    const canEdit = perms['EDIT_ISSUES'] === true;
    if (needEdit && !canEdit) {
      throw new AppError('forbidden', msg(purpose === 'links' ? 'apiErrors.panel.cannotEditLinks' : 'apiErrors.panel.cannotEditDefects', { issue: jiraIssue.key }));
    }
    const issue: PanelIssue = { id: jiraIssue.id, key: jiraIssue.key, kind, projectKey: jiraIssue.projectKey };
    return { issue, canEdit, settings, accountId };
  }

  /** The issue id of the panel's context, when it is a Jira issue id. */
  function issueIdOf(req: ResolverRequest): string | undefined {
    const ext = req.context.extension?.issue;
    const issueId = typeof ext?.id === 'string' || typeof ext?.id === 'number' ? String(ext.id) : '';
    return /^\d{1,19}$/.test(issueId) ? issueId : undefined;
  }

  /**
   * The panel's view. `summary` (the issue-context view, contract section 8) answers the links, their last results and
   * the newest run only: no names, history, flaky marks or coverage, so it costs one batch read on a Test.
   */
  async function view(issue: PanelIssue, accountId: string, canEdit: boolean, settings: StoredSettings, refresh: boolean, locale?: unknown, summary = false, listed?: ListedLinks): Promise<PanelView> {
    const { links: records, plans } = listed ?? (await patiently(() => links.listWithPlans(issue.id)));
    const tsKind = TESTSIGMA_KIND_OF[issue.kind];
    const ids = records.map((r) => r.testsigmaId);
    const all = deps.insights ?? {};
    const ins: PanelInsights = summary
      ? { ...(all.caseResults ? { caseResults: all.caseResults } : {}), ...(all.lastResults ? { lastResults: all.lastResults } : {}), ...(all.recentRuns ? { recentRuns: all.recentRuns } : {}) }
      : all;
    const onTest = ids.length > 0 && issue.kind === 'test';
    const noticeCodes = new Set<PanelNoticeCode>();
    const notice: NoticeSink = (code) => noticeCodes.add(code);
    const quiet = <T>(fn: () => Promise<T | undefined>) => quietly(fn, notice);
    const [entities, last, results, anyCoverage, recentRuns, anyFlaky] = await Promise.all([
      ids.length && ins.entities ? quiet(() => ins.entities!(tsKind, ids, { refresh, settings, notice, ...(issue.kind === 'test' ? { testIssueId: issue.id } : {}) })) : undefined,
      onTest && !ins.caseResults && ins.lastResults ? quiet(() => ins.lastResults!(ids)) : undefined,
      onTest && ins.caseResults ? quiet(() => ins.caseResults!(issue.id, ids, plans)) : undefined,
      issue.kind !== 'test' && ins.coverage ? quiet(() => ins.coverage!(issue, { refresh, settings, notice })) : undefined,
      issue.kind === 'testPlan' && ins.recentRuns
        ? ids[0] !== undefined
          ? quiet(() => ins.recentRuns!(ids[0]!))
          : Promise.resolve([] as RecentRun[])
        : undefined,
      issue.kind !== 'test' && ins.flakyCases ? quiet(() => ins.flakyCases!(issue, { refresh, settings, ...(issue.kind === 'testPlan' && ids[0] !== undefined ? { testsigmaPlanId: ids[0] } : {}) })) : undefined,
    ]);
    const { coverage, flaky } = await onlyBrowsable(accountId, anyCoverage, anyFlaky, settings.testsigma.baseUrl);
    // The summary's newest run is every delivery of it on the page (one query and one batch read either way).
    const runsShown = summary && recentRuns ? recentRuns.filter((r) => r.runId === recentRuns[0]?.runId) : recentRuns;
    const linkViews: LinkView[] = records.map((r) => {
      const e = entities?.get(r.testsigmaId);
      const cr = results?.get(r.testsigmaId);
      const lr = cr?.lastResult ?? last?.get(r.testsigmaId);
      return {
        testsigmaKind: r.testsigmaKind,
        testsigmaId: r.testsigmaId,
        ...(e?.name ? { name: e.name } : {}),
        // The deep link needs only the id and the configured host: it stays when Testsigma has no key or is down.
        url: e?.url ?? testsigmaUrl(settings.testsigma.baseUrl, r.testsigmaKind, r.testsigmaId),
        linkedBy: r.linkedBy,
        linkedAt: r.linkedAt,
        ...(r.linkedByApp ? { linkedByApp: true } : {}),
        ...(lr ? { lastResult: lr } : {}),
        // The summary keeps the flaky mark (issue 22: "2 cases · 1 failed · Flaky"): it rides in the same record.
        ...(cr ? { ...(summary ? {} : { history: cr.history }), flaky: cr.flaky } : {}),
      };
    });
    // A part that came back after all says nothing is missing (a cached list, say, while Xray answers 429).
    if (coverage) {
      noticeCodes.delete('xray_not_configured');
      noticeCodes.delete('xray_unavailable');
    }
    const notices: PanelNotice[] = [...noticeCodes].map((code) => ({ code, message: translate(locale, `notices.${code}`) }));
    return {
      issue: { id: issue.id, key: issue.key, kind: issue.kind },
      canEdit,
      links: linkViews,
      ...(notices.length > 0 ? { notices } : {}),
      ...(coverage ? { coverage } : {}),
      ...(runsShown ? { recentRuns: runsShown } : {}),
      ...(flaky ? { flaky } : {}),
    };
  }

  /**
   * Coverage and the flaky list as this viewer may see them: Xray lists a Test Set's Tests as the app, so Tests the
   * viewer cannot browse are left out (their count stays in `total` and `linked`, which name nothing). One bulk read
   * as the viewer answers which they may browse, and gives the flaky Tests their summaries; when it fails, no Test is
   * named. Flaky cases get their deep link (the configured host and the id: no Testsigma request).
   */
  async function onlyBrowsable(
    accountId: string,
    coverage: Coverage | undefined,
    flaky: FlakyCase[] | undefined,
    testsigmaBaseUrl: string,
  ): Promise<{ coverage?: Coverage; flaky?: FlakyCase[] }> {
    const ids = [...new Set([...(coverage?.unlinked ?? []).map((u) => u.id), ...(flaky ?? []).map((f) => f.test.id)])];
    let seen = new Map<string, JiraIssue>();
    if (ids.length > 0) {
      try {
        seen = await bulkFetchIssues(jira.asUser(accountId), ids);
      } catch (err) {
        deps.log.warn('panel: could not check which Tests the viewer may browse; none is named', { error: err instanceof Error ? err.message : String(err) });
      }
    }
    return {
      ...(coverage ? { coverage: { ...coverage, unlinked: coverage.unlinked.filter((u) => seen.has(u.id)) } } : {}),
      ...(flaky
        ? {
            flaky: flaky.flatMap((f) => {
              const summary = seen.get(f.test.id)?.summary;
              if (!seen.has(f.test.id)) return [];
              return [{ ...f, url: testsigmaUrl(testsigmaBaseUrl, 'testCase', f.testsigmaId), test: { ...f.test, ...(summary ? { summary } : {}) } }];
            }),
          }
        : {}),
    };
  }

  /**
   * Insight failures are logged and left out: the links still show. A part storage throttled says so (`storage_busy`),
   * since its absence would otherwise read as "no data".
   */
  async function quietly<T>(fn: () => Promise<T | undefined>, notice: NoticeSink): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isKvsThrottle(err)) notice('storage_busy');
      deps.log.warn('panel insight left out', { error: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }

  function parseId(payload: unknown): string {
    const raw = payload && typeof payload === 'object' ? (payload as { testsigmaId?: unknown }).testsigmaId : undefined;
    const parsed = parseTestsigmaId(raw);
    if (!parsed.ok) throw new AppError('invalid_id', parsed.reason);
    return parsed.id;
  }

  /**
   * Where another link lives, as this user may be told: its key when the user can browse it, `hidden` when they
   * cannot, `unreadable` when the app cannot read it either. Jira answers 404 for a hidden issue as for a deleted
   * one, so an issue the app cannot read is never taken as deleted here: only the deletion trigger frees its links
   * (and an admin, one case at a time, with `freeCase`). A read that fails (a 5xx, 429 or `issueErrors`) throws.
   */
  async function whereIs(issueId: string, accountId: string): Promise<{ seen: 'visible'; key: string } | { seen: 'hidden' | 'unreadable' }> {
    const [asApp, asUser] = await Promise.all([bulkFetchIssues(jira.asApp(), [issueId]), getIssue(jira.asUser(accountId), issueId)]);
    if (asUser) return { seen: 'visible', key: asUser.key };
    return asApp.has(issueId) ? { seen: 'hidden' } : { seen: 'unreadable' };
  }

  /**
   * The Test Plan and its linked Testsigma plan, for running from Jira. `needRun` asks for EDIT_ISSUES and the
   * admin's switch (the options only report them, as `canRun`).
   */
  async function loadRunnablePlan(req: ResolverRequest, needRun: boolean) {
    const loaded = await loadIssue(req, false);
    const { issue, canEdit, settings } = loaded;
    const planLink = issue.kind === 'testPlan' ? (await links.listForIssue(issue.id)).find((r) => r.testsigmaKind === 'testPlan') : undefined;
    if (!planLink) throw new AppError('not_linked', msg('apiErrors.panel.planNotLinked', { issue: issue.key }));
    const switchedOn = runFromJiraOn(settings);
    if (needRun && !switchedOn) throw new AppError('forbidden', msg('apiErrors.panel.runSwitchedOff'));
    if (needRun && !canEdit) throw new AppError('forbidden', msg('apiErrors.panel.cannotRun', { issue: issue.key }));
    if (!deps.runs) throw new AppError('not_configured', msg('apiErrors.panel.runNeedsKey'));
    return { ...loaded, planId: planLink.testsigmaId, canRun: canEdit && switchedOn, runs: deps.runs };
  }

  return {
    getRunOptions: (req) =>
      toEnvelope(deps.log, req, 'getRunOptions', async () => {
        const { planId, canRun, runs } = await loadRunnablePlan(req, false);
        // A user who may not run sees why the button is missing, without Testsigma being asked.
        if (!canRun) return { canRun, environments: [], savedConfigs: [] };
        return { canRun, ...(await runs.options(planId)) };
      }),

    runPlan: (req) =>
      toEnvelope(deps.log, req, 'runPlan', async () => {
        const { issue, canEdit, settings, accountId, planId, runs } = await loadRunnablePlan(req, true);
        await runs.start(issue.id, planId, req.payload);
        return view(issue, accountId, canEdit, settings, false, req.context.locale);
      }),

    rerunFailed: (req) =>
      toEnvelope(deps.log, req, 'rerunFailed', async () => {
        const { issue, canEdit, settings, accountId, planId, runs } = await loadRunnablePlan(req, true);
        const runId = req.payload && typeof req.payload === 'object' ? (req.payload as { runId?: unknown }).runId : undefined;
        await runs.rerun(planId, runId);
        return view(issue, accountId, canEdit, settings, false, req.context.locale);
      }),

    getPanel: (req) =>
      toEnvelope(deps.log, req, 'getPanel', () =>
        readAheadScope(async () => {
          const flags = req.payload && typeof req.payload === 'object' ? (req.payload as { refresh?: unknown; summary?: unknown }) : {};
          const summary = flags.summary === true;
          // The issue's links and plan marks first (beside Jira's answers), then everything they say the open reads,
          // ahead, in one batch read on a Test and two on a Test Plan (Forge allows 45 batch operations a minute).
          const issueId = issueIdOf(req);
          const listing = issueId
            ? patiently(() => links.listWithPlans(issueId)).then(async (listed) => {
                await patiently(() => readPanelAhead(deps.kvs, issueId, listed, { summary, now: deps.clock.now() })).catch((err: unknown) => {
                  deps.log.warn('panel: reading ahead failed; each part reads its own', { error: err instanceof Error ? err.message : String(err) });
                });
                return listed;
              })
            : undefined;
          listing?.catch(() => undefined);
          const { issue, canEdit, settings, accountId } = await loadIssue(req, false, 'links', listing);
          return view(issue, accountId, canEdit, settings, flags.refresh === true, req.context.locale, summary, await listing);
        }),
      ),

    link: (req) =>
      toEnvelope(deps.log, req, 'link', async () => {
        const testsigmaId = parseId(req.payload);
        const { issue, canEdit, settings, accountId } = await loadIssue(req, true);
        const tsKind = TESTSIGMA_KIND_OF[issue.kind];
        const record: LinkRecord = {
          issueId: issue.id,
          issueKind: issue.kind,
          testsigmaKind: tsKind,
          testsigmaId,
          linkedBy: accountId,
          linkedAt: new Date(deps.clock.now()).toISOString(),
        };
        const result = await links.claim(record);
        if (!result.ok && result.existing.issueId !== issue.id) {
          throw conflictError(result.conflict, result.existing, issue, testsigmaId, await whereIs(result.existing.issueId, accountId));
        } else if (!result.ok) {
          throw conflictError(result.conflict, result.existing, issue, testsigmaId, { seen: 'visible', key: issue.key });
        }
        deps.log.info('linked', { issueId: issue.id, testsigmaKind: tsKind, testsigmaId });
        return view(issue, accountId, canEdit, settings, false, req.context.locale);
      }),

    unlink: (req) =>
      toEnvelope(deps.log, req, 'unlink', async () => {
        const testsigmaId = parseId(req.payload);
        const { issue, canEdit, settings, accountId } = await loadIssue(req, true);
        const tsKind = TESTSIGMA_KIND_OF[issue.kind];
        if (!(await links.unlink(issue.id, tsKind, testsigmaId))) {
          throw new AppError('not_linked', msg('apiErrors.panel.notLinked', { entity: entityNoun(tsKind), id: testsigmaId, issue: issue.key }));
        }
        deps.log.info('unlinked', { issueId: issue.id, testsigmaKind: tsKind, testsigmaId });
        return view(issue, accountId, canEdit, settings, false, req.context.locale);
      }),

    createDefect: (req) =>
      toEnvelope(deps.log, req, 'createDefect', async () => {
        const testsigmaId = parseId(req.payload);
        const { issue, canEdit, settings, accountId } = await loadIssue(req, true, 'defects');
        if (issue.kind !== 'test') {
          throw new AppError('not_xray_issue', msg('apiErrors.panel.defectNotOnTest', { issue: issue.key, kind: XRAY_NOUN[issue.kind] }));
        }
        const owner = await links.owner('testCase', testsigmaId);
        if (owner?.issueId !== issue.id) {
          throw new AppError('not_linked', msg('apiErrors.panel.notLinked', { entity: entityNoun('testCase'), id: testsigmaId, issue: issue.key }));
        }
        if (!deps.defects) throw new AppError('not_configured', msg('apiErrors.panel.defectsUnavailable'));
        // The name from the Test's own names record, which its panel keeps (a Test's case names are kept per Test).
        const names = deps.insights?.entities ? await quietly(() => deps.insights!.entities!('testCase', [testsigmaId], { refresh: false, settings, testIssueId: issue.id }), () => undefined) : undefined;
        const caseName = names?.get(testsigmaId)?.name;
        await deps.defects.file({
          test: { id: issue.id, key: issue.key, projectKey: issue.projectKey },
          accountId,
          caseId: testsigmaId,
          ...(caseName ? { caseName } : {}),
          settings,
        });
        deps.log.info('defect filed', { issueId: issue.id, testsigmaId });
        return view(issue, accountId, canEdit, settings, false, req.context.locale);
      }),
  };
}

/**
 * The `already_linked` sentence (contract section 2), built here only: it names where the link lives by key when
 * the user can browse that issue, and otherwise says "another <kind> you cannot see".
 */
function conflictError(
  conflict: 'entity' | 'slot',
  existing: LinkRecord,
  issue: PanelIssue,
  testsigmaId: string,
  where: { seen: 'visible'; key: string } | { seen: 'hidden' | 'unreadable' },
): AppError {
  const entity = entityNoun(existing.testsigmaKind);
  if (conflict === 'slot') {
    return new AppError(
      'already_linked',
      msg('apiErrors.panel.slotTaken', { issue: issue.key, entity, id: existing.testsigmaId, kind: XRAY_NOUN[issue.kind], noun: msg(`apiErrors.noun.${existing.testsigmaKind}`) }),
    );
  }
  if (where.seen === 'unreadable' && existing.testsigmaKind === 'testCase') {
    // Perhaps deleted while the app missed it, perhaps hidden from the app: only an admin may decide to free it.
    return new AppError('already_linked', msg('apiErrors.panel.linkedElsewhereUnreadable', { entity, id: testsigmaId, kind: XRAY_NOUN[existing.issueKind] }));
  }
  if (where.seen !== 'visible') {
    return new AppError('already_linked', msg('apiErrors.panel.linkedElsewhereHidden', { entity, id: testsigmaId, kind: XRAY_NOUN[existing.issueKind] }));
  }
  return new AppError('already_linked', msg('apiErrors.panel.linkedElsewhere', { entity, id: testsigmaId, issue: where.key }));
}

/** "Testsigma test case", as a sentence's part in the reader's language. */
function entityNoun(kind: TestsigmaKind): Message {
  return msg(`apiErrors.entity.${kind}`);
}
