/**
 * The app's handlers built from its dependencies, with no Forge import: `src/index.ts` wires them to Forge, and the
 * sandbox host wires the very same factories to local emulators. Adding a handler here makes it run in both.
 */
import type { AppDeps } from './ports';
import type { XrayClientConfig } from './xray/xray-types';
import { createPanelResolver } from './resolvers/panel-resolver';
import { createAppPanelInsights, panelXrayClientFor } from './resolvers/panel-insights';
import { createDefectFiler } from './resolvers/defect-filing';
import { createAdminResolver } from './resolvers/admin-resolver';
import { AppError } from './errors/app-error';
import { createIssueDeletedHandler } from './triggers/issue-deleted';
import { createWebtriggerHandler } from './webtrigger/webtrigger-handler';
import { createSyncConsumer, listJobs, retryJob } from './sync';
import { createXrayClient } from './xray/xray-client';
import { createTestsigmaClient } from './testsigma/testsigma-client';
import { createPlanRunner } from './resolvers/plan-runner';
import { createPickupRound } from './pickup/pickup-round';

/** Every handler of the app. */
export function createApp(deps: AppDeps) {
  const xrayClientFor = (config: XrayClientConfig) =>
    createXrayClient(config, { fetch: deps.fetch, kvs: deps.kvs, clock: deps.clock, log: deps.log });
  return {
    panelResolver: createPanelResolver({
      ...deps,
      insights: createAppPanelInsights(deps),
      defects: createDefectFiler({
        ...deps,
        xrayClientFor: panelXrayClientFor(deps),
      }),
      runs: createPlanRunner(deps),
    }),
    adminResolver: createAdminResolver({
      ...deps,
      xrayClientFor,
      testsigmaPing: (config) => createTestsigmaClient(config, { fetch: deps.fetch, timeoutMs: 8_000 }).ping(),
      jobs: {
        list: (cursor, locale) => listJobs(deps.kvs, cursor, deps.clock.now(), locale),
        retry: async (jobId, locale) => {
          try {
            return await retryJob(deps, jobId, locale);
          } catch (err) {
            if (err instanceof AppError && err.code === 'not_found') return undefined;
            throw err;
          }
        },
      },
    }),
    issueDeleted: createIssueDeletedHandler(deps),
    webtrigger: createWebtriggerHandler(deps),
    sync: createSyncConsumer({ ...deps, xrayClientFor }),
    pickup: createPickupRound(deps),
  };
}

/** The handlers `createApp` builds. */
export type App = ReturnType<typeof createApp>;
