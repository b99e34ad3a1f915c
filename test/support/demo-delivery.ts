/**
 * A delivery to the demo site's web trigger over loopback HTTP, as an executor sends it (Bearer secret), read back as
 * the job the executor would poll once the sandbox's queue has settled.
 */
import type { Sandbox } from '../../sandbox/host';
import type { DemoSite } from '../../sandbox/demo';
import type { JobView } from '../../src/shared/types';

/** How often a delivery is posted again after a 503 `busy` (Forge's storage limits), as the executor does. */
const BUSY_TRIES = 5;

/**
 * Posts `body` to the demo's web trigger, expects 202, waits for the queue to settle and answers the job. A 503
 * `busy` (storage throttled on the sandbox's clock) is waited out as the executor does: the clock moves on by its
 * Retry-After and the delivery is posted again.
 */
export async function postToDemo(sb: Sandbox, demo: DemoSite, body: unknown): Promise<JobView> {
  const auth = { authorization: `Bearer ${demo.webtrigger.secret}` };
  let res: Response;
  for (let tries = 1; ; tries++) {
    res = await fetch(demo.webtrigger.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
    });
    if (res.status !== 503 || tries >= BUSY_TRIES) break;
    sb.advance(Number(res.headers.get('retry-after') ?? '30') * 1000);
  }
  expect(res.status).toBe(202);
  const { jobId } = (await res.json()) as { jobId: string };
  await sb.queue.idle();
  const view = await fetch(`${demo.webtrigger.url}?job=${jobId}`, { headers: auth });
  expect(view.status).toBe(200);
  return (await view.json()) as JobView;
}

/**
 * Posts `body` to the demo's web trigger handler in process (no HTTP), expects 202 (waiting out a 503 `busy` as
 * {@link postToDemo} does), waits for the queue to settle and answers the job's id.
 */
export async function deliverToDemo(sb: Sandbox, demo: DemoSite, body: unknown): Promise<string> {
  const post = () =>
    sb.app.webtrigger({
      method: 'POST',
      path: '/',
      body: JSON.stringify(body),
      headers: { 'content-type': ['application/json'], authorization: [`Bearer ${demo.webtrigger.secret}`] },
      queryParameters: {},
    });
  let res = await post();
  for (let tries = 1; res.statusCode === 503 && tries < BUSY_TRIES; tries++) {
    sb.advance(Number(res.headers['retry-after']?.[0] ?? '30') * 1000);
    res = await post();
  }
  expect(res.statusCode).toBe(202);
  await sb.queue.idle();
  return (JSON.parse(res.body) as { jobId: string }).jobId;
}
