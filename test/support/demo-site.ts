/**
 * The demo site as integration tests use it: a fresh sandbox (Xray in the EU region, a queue whose requested seconds
 * pass in milliseconds) seeded with the demo's project, Tests and links, without evidence, for each test of a file.
 */
import { startSandbox, type Sandbox } from '../../sandbox/host';
import { seedDemo, type DemoSite } from '../../sandbox/demo';
import type { JobView } from '../../src/shared/types';
import { postToDemo } from './demo-delivery';

/**
 * Starts the demo site before each test of the calling file and closes it after; `use` receives each test's site.
 * Answers the current test's demo Test by index and a delivery to its web trigger as an executor sends it (over
 * HTTP, waiting for the queue to settle, answering the job).
 */
export function useDemoSite(use: (sb: Sandbox, demo: DemoSite) => void): {
  t(i: number): DemoSite['tests'][number];
  post(body: unknown): Promise<JobView>;
} {
  let sb: Sandbox | undefined;
  let demo: DemoSite | undefined;
  beforeEach(async () => {
    sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1 });
    demo = await seedDemo(sb, { attachEvidence: false });
    use(sb, demo);
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
    demo = undefined;
  });
  return {
    t: (i) => demo!.tests[i]!,
    post: (body) => postToDemo(sb!, demo!, body),
  };
}
