/**
 * Composition root: builds the app on Forge's dependencies and exports the handlers the manifest names.
 * Nothing else lives here; every handler is a Forge-free factory (see `src/app.ts`).
 */
import { createApp } from './app';
import { forgeDeps } from './platform/forge-deps';
import { toForgeResolver } from './platform/forge-resolver';

const app = createApp(forgeDeps);

/** `panel-resolver`: the issue panel's `getPanel`, `link`, `unlink`. */
export const panelResolver = toForgeResolver(app.panelResolver);

/** `issue-deleted`: the `avi:jira:deleted:issue` trigger. */
export const issueDeleted = app.issueDeleted;
