/**
 * Composition root: builds the app on Forge's dependencies and exports the handlers the manifest names.
 * Nothing else lives here; every handler is a Forge-free factory (see `src/app.ts`).
 */
import { createApp } from './app';
import { forgeDeps } from './platform/forge-deps';
import { toForgeResolver } from './platform/forge-resolver';
import { toForgeConsumer } from './platform/forge-consumer';

const app = createApp(forgeDeps);

/** `panel-resolver`: the issue panel's `getPanel`, `link`, `unlink`. */
export const panelResolver = toForgeResolver(app.panelResolver);

/** `admin-resolver`: the admin page's settings, connection test, web trigger secret and sync log. */
export const adminResolver = toForgeResolver(app.adminResolver);

/** `issue-deleted`: the `avi:jira:deleted:issue` trigger. */
export const issueDeleted = app.issueDeleted;

/** `webtrigger`: the results web trigger `execution-results` (contract section 3). */
export const webtrigger = app.webtrigger;

/** `sync`: the `xray-sync` queue consumer (one delivery into the run's Test Execution). */
export const sync = toForgeConsumer(app.sync);

/**
 * `pickup`: the `testsigma-pickup` scheduled trigger (every 5 minutes). It answers nothing the platform reads; a
 * round that fails is logged and the next one starts where it stopped.
 */
export const pickup = async (): Promise<void> => {
  await app.pickup();
};
