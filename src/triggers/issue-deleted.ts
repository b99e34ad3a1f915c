import type { Logger } from '../ports';
import { patiently, type KvsPort } from '../store/kvs-port';
import { LinkStore } from '../store/link-store';

/** The part of Jira's `avi:jira:deleted:issue` event we read. */
export interface IssueDeletedEvent {
  issue?: { id?: unknown; key?: unknown };
}

/** Removes a deleted issue's links (and its cases' last results), so its Testsigma entities can be linked again. */
export function createIssueDeletedHandler(deps: { kvs: KvsPort; log: Logger }) {
  const links = new LinkStore(deps.kvs);
  return async (event: IssueDeletedEvent): Promise<void> => {
    const id = event?.issue?.id;
    const issueId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
    if (!/^\d{1,19}$/.test(issueId)) {
      deps.log.warn('issue deleted event without an issue id; nothing removed');
      return;
    }
    // Removing is idempotent (what is gone stays gone), so a throttled attempt is simply made again.
    const removed = await patiently(() => links.removeAllForIssue(issueId));
    if (removed.length > 0) deps.log.info('removed links of a deleted issue', { issueId, removed: removed.length });
  };
}
