/**
 * A delivery to the demo site's web trigger over loopback HTTP, as an executor sends it (Bearer secret), read back as
 * the job the executor would poll once the sandbox's queue has settled.
 */
import type { Sandbox } from '../../sandbox/host';
import type { DemoSite } from '../../sandbox/demo';
import type { JobView } from '../../src/shared/types';

/** Posts `body` to the demo's web trigger, expects 202, waits for the queue to settle and answers the job. */
export async function postToDemo(sb: Sandbox, demo: DemoSite, body: unknown): Promise<JobView> {
  const auth = { authorization: `Bearer ${demo.webtrigger.secret}` };
  const res = await fetch(demo.webtrigger.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  const { jobId } = (await res.json()) as { jobId: string };
  await sb.queue.idle();
  const view = await fetch(`${demo.webtrigger.url}?job=${jobId}`, { headers: auth });
  expect(view.status).toBe(200);
  return (await view.json()) as JobView;
}

/**
 * Posts `body` to the demo's web trigger handler in process (no HTTP), expects 202, waits for the queue to settle
 * and answers the job's id.
 */
export async function deliverToDemo(sb: Sandbox, demo: DemoSite, body: unknown): Promise<string> {
  const res = await sb.app.webtrigger({
    method: 'POST',
    path: '/',
    body: JSON.stringify(body),
    headers: { 'content-type': ['application/json'], authorization: [`Bearer ${demo.webtrigger.secret}`] },
    queryParameters: {},
  });
  expect(res.statusCode).toBe(202);
  await sb.queue.idle();
  return (JSON.parse(res.body) as { jobId: string }).jobId;
}
