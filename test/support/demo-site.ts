/**
 * The demo site as integration tests use it: a fresh sandbox (Xray in the EU region, a queue whose requested seconds
 * pass in milliseconds) seeded with the demo's project, Tests and links, without evidence, for each test of a file.
 */
import { startSandbox, type Sandbox } from '../../sandbox/host';
import { seedDemo, type DemoSite } from '../../sandbox/demo';

/** Starts the demo site before each test of the calling file and closes it after; `use` receives each test's site. */
export function useDemoSite(use: (sb: Sandbox, demo: DemoSite) => void): void {
  let sb: Sandbox | undefined;
  beforeEach(async () => {
    sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 1 });
    use(sb, await seedDemo(sb, { attachEvidence: false }));
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });
}
