/**
 * The app's handlers built from its dependencies, with no Forge import: `src/index.ts` wires them to Forge, and the
 * sandbox host wires the very same factories to local emulators. Adding a handler here makes it run in both.
 */
import type { AppDeps } from './ports';
import { createPanelResolver } from './resolvers/panel-resolver';
import { createIssueDeletedHandler } from './triggers/issue-deleted';

/** Every handler of the app. */
export function createApp(deps: AppDeps) {
  return {
    panelResolver: createPanelResolver(deps),
    issueDeleted: createIssueDeletedHandler(deps),
  };
}

/** The handlers `createApp` builds. */
export type App = ReturnType<typeof createApp>;
