/**
 * The site's run-mark secret and the marks made with it (issue 18 item 1): a run's label is the run id's HMAC under
 * a secret only this site's app holds (secret storage, made on first use), so nobody can label an issue with a
 * run's mark before the run arrives.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { KvsPort } from '../store/kvs-port';
import { markedLabel } from '../domain/run-mark';

/** Secret storage key of the run-mark secret. */
export const RUN_MARK_SECRET_KEY = 'secret:run-mark';

/**
 * The site's run-mark secret, made on first use. Two consumers making it at once may each write one; the later
 * write wins, which costs nothing: a run's intent keeps the label it was created with, and lookups use that.
 */
export async function runMarkSecret(kvs: KvsPort): Promise<string> {
  const stored = await kvs.getSecret<string>(RUN_MARK_SECRET_KEY);
  if (typeof stored === 'string' && stored !== '') return stored;
  await kvs.setSecret(RUN_MARK_SECRET_KEY, randomBytes(32).toString('hex'));
  return (await kvs.getSecret<string>(RUN_MARK_SECRET_KEY)) as string;
}

/** The label that marks the run's Test Execution under the run-mark secret `secret`. */
export function runLabelWith(secret: string, runId: string): string {
  return markedLabel(runId, createHmac('sha256', secret).update(runId, 'utf8').digest('hex'));
}

/** The label that marks the run's Test Execution on this site. */
export async function siteRunLabel(kvs: KvsPort, runId: string): Promise<string> {
  return runLabelWith(await runMarkSecret(kvs), runId);
}
