/**
 * `freeCase` (contract section 8): a Jira admin frees one Testsigma test case whose Test the app can no longer read
 * (deleted while the app missed the deletion, or hidden from the app by a permission scheme or security level). Jira
 * answers 404 for both, so the app never decides this alone; the admin's call frees that one case and nothing else.
 */
import type { JiraPort, Logger } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import { LinkStore } from '../store/link-store';
import { bulkFetchIssues, getIssue } from '../jira/jira-client';
import { parseTestsigmaId } from '../domain/testsigma-id';
import { AppError } from '../errors/app-error';
import { msg } from '../shared/message';
import type { AdminErrorCode } from '../shared/types';

/** What `freeCase` answers. */
export interface FreeCaseResult {
  freed: boolean;
  /** The key of the Test that still holds the case, when the app can read it and the admin may browse it. */
  heldBy?: string;
}

/**
 * Frees the case when its Test is unreadable to the app; otherwise leaves it, naming its Test when the admin may
 * browse it. A Jira read that fails (a 5xx, 429, `issueErrors`) throws and frees nothing.
 */
export async function freeCase(
  deps: { kvs: KvsPort; jira: JiraPort; log: Logger },
  accountId: string,
  payload: unknown,
): Promise<FreeCaseResult> {
  const raw = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>).testsigmaId : undefined;
  const parsed = parseTestsigmaId(raw);
  if (!parsed.ok) throw new AppError<AdminErrorCode>('not_found', msg('apiErrors.admin.noCaseNamed'));
  const links = new LinkStore(deps.kvs);
  const owner = await links.owner('testCase', parsed.id);
  if (!owner) return { freed: false };
  const [asApp, asAdmin] = await Promise.all([bulkFetchIssues(deps.jira.asApp(), [owner.issueId]), getIssue(deps.jira.asUser(accountId), owner.issueId)]);
  if (asApp.has(owner.issueId)) return asAdmin ? { freed: false, heldBy: asAdmin.key } : { freed: false };
  await links.unlink(owner.issueId, 'testCase', parsed.id);
  deps.log.info('case freed by an admin: its Test is unreadable to the app', { accountId, testsigmaId: parsed.id, issueId: owner.issueId });
  return { freed: true };
}
