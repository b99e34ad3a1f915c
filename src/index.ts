/**
 * Composition root: builds the real dependencies on Forge and exports the handlers the manifest names.
 * Nothing else lives here; every handler is a factory in its own folder, testable without Forge.
 */
import { forgeDeps } from './platform/forge-deps';
import { toForgeResolver } from './platform/forge-resolver';
import { createPanelResolver } from './resolvers/panel-resolver';
import { createIssueDeletedHandler } from './triggers/issue-deleted';

/** `panel-resolver`: the issue panel's `getPanel`, `link`, `unlink`. */
export const panelResolver = toForgeResolver(createPanelResolver(forgeDeps));

/** `issue-deleted`: the `avi:jira:deleted:issue` trigger. */
export const issueDeleted = createIssueDeletedHandler(forgeDeps);
