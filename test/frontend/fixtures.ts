/** Resolver answers as the backend sends them, for the frontend tests (no Forge imports, so pure tests can use them). */
import type { Envelope, JobView, LinkView, PanelView, SettingsView } from '../../src/shared/types';

/** A success envelope. */
export const ok = <T,>(data: T): Envelope<T> => ({ ok: true, data });
/** A failure envelope. */
export const fail = (code: string, message: string): Envelope<never> => ({ ok: false, error: { code, message } });

/** A link as the resolver sends it. */
export function link(overrides: Partial<LinkView> = {}): LinkView {
  return {
    testsigmaKind: 'testCase',
    testsigmaId: '609',
    linkedBy: 'acc-1',
    linkedAt: '2026-11-25T10:00:00Z',
    ...overrides,
  };
}

/** A panel view of a Test that the user may edit, with no links. */
export function panelView(overrides: Partial<PanelView> = {}): PanelView {
  return {
    issue: { id: '10001', key: 'PROJ-12', kind: 'test' },
    canEdit: true,
    links: [],
    ...overrides,
  };
}

/** Settings as `getSettings` answers them on a configured site. */
export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    xray: { region: 'global', clientId: 'client-1', hasClientSecret: true, requestsPer5Minutes: 300 },
    testsigma: { baseUrl: 'https://app.testsigma.com', hasApiKey: false, autoPickup: true },
    attachEvidence: false,
    runFromJira: true,
    statusMap: {
      SUCCESS: 'PASSED', PASSED: 'PASSED', FAILURE: 'FAILED', FAILED: 'FAILED', PRE_REQUISITE_FAILED: 'FAILED',
      ABORTED: 'ABORTED', STOPPED: 'ABORTED', NOT_EXECUTED: 'TODO', QUEUED: 'TODO', TODO: 'TODO',
      RUNNING: 'EXECUTING', EXECUTING: 'EXECUTING',
    },
    issueTypes: { test: ['Test'], testSet: ['Test Set'], testPlan: ['Test Plan'] },
    webtrigger: { url: 'https://example.atlassian-dev.net/x1/abc', hasWebtriggerSecret: true },
    setup: { xray: 'ok', testsigma: 'not_set', secretCreated: true },
    ...overrides,
  };
}

/** A job as the sync log lists it. */
export function job(overrides: Partial<JobView> = {}): JobView {
  return {
    jobId: 'job-1',
    runId: '337',
    state: 'succeeded',
    counts: { received: 3, synced: 3, unmapped: 0, failed: 0 },
    unmapped: [],
    errors: [],
    attempts: 1,
    createdAt: '2026-11-25T10:42:00Z',
    updatedAt: '2026-11-25T10:43:00Z',
    ...overrides,
  };
}
