/**
 * The app's handlers built from its dependencies, with no Forge import: `src/index.ts` wires them to Forge, and the
 * sandbox host wires the very same factories to local emulators. Adding a handler here makes it run in both.
 */
import type { AppDeps } from './ports';
import { createPanelResolver } from './resolvers/panel-resolver';
import { createIssueDeletedHandler } from './triggers/issue-deleted';
import { createWebtriggerHandler } from './webtrigger/webtrigger-handler';
import { createSyncConsumer } from './sync/sync-consumer';
import { createXrayClient } from './xray/xray-client';

/** Every handler of the app. */
export function createApp(deps: AppDeps) {
  return {
    panelResolver: createPanelResolver(deps),
    issueDeleted: createIssueDeletedHandler(deps),
    webtrigger: createWebtriggerHandler(deps),
    sync: createSyncConsumer({
      ...deps,
      xrayClientFor: (config) => createXrayClient(config, { fetch: deps.fetch, kvs: deps.kvs, clock: deps.clock, log: deps.log }),
    }),
  };
}

/** The handlers `createApp` builds. */
export type App = ReturnType<typeof createApp>;
