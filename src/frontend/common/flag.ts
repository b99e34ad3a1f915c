/** Success flags, through the Jira host (`showFlag` from `@forge/bridge`). */
import { showFlag } from '@forge/bridge';

/** Shows a short success flag; the panel and admin page take it as a dependency so tests can see what was said. */
export type Notify = (title: string) => void;

let next = 0;

/** The host's flag: auto-dismissed, since success needs no answer. */
export const hostFlag: Notify = (title) => {
  next += 1;
  showFlag({ id: `testsigma-${next}`, title, type: 'success', appearance: 'success', isAutoDismiss: true });
};
