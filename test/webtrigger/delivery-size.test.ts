/**
 * What one delivery may carry, over HTTP against the emulators (issue 18 items 3 and 5): a valid delivery is never
 * answered 500 for its size, environments are capped at 50 (more are cut with a warning, never refused), and a large
 * invalid delivery is refused quickly with at most 50 problems listed.
 */
import { startSandboxSite, type SandboxSite } from '../support/sandbox-site';

let site: SandboxSite;
beforeEach(async () => {
  site = await startSandboxSite();
});
afterEach(() => site.close());

const control = (n: number, seed: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(1 + ((i + seed) % 8))).join('');
const englishErrors = (errors: unknown[]) => JSON.stringify(errors);

describe('a large valid delivery', () => {
  test('100 environments of 255 control characters and a message of 32,000 are accepted and synced, environments cut to 50 with a warning', async () => {
    await site.link('Test', 'PROJ', '609');
    const environments = Array.from({ length: 100 }, (_, i) => `${i}${control(255 - String(i).length, i)}`);
    const res = await site.post({ runId: 'big-1', environments, results: [{ testCaseId: '609', status: 'FAILURE', message: control(32_000, 3) }] });
    expect(res.status).toBe(202);
    await site.sb.queue.idle();
    const view = await site.job(res.body.jobId as string);
    expect(view.state).not.toBe('failed');
    expect(view.counts).toMatchObject({ received: 1, synced: 1 });
    expect(englishErrors(view.errors)).toContain('The run named 100 test environments; the first 50 were kept');
  });

  test('51 plain environments: the first 50 reach the Test Execution, the job says one was cut', async () => {
    await site.link('Test', 'PROJ', '609');
    const environments = Array.from({ length: 51 }, (_, i) => `env-${i}`);
    site.sb.world.addTestEnvironments('PROJ', environments);
    const jobId = await site.send({ runId: 'big-2', environments, results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    await site.sb.queue.idle();
    const view = await site.job(jobId);
    expect(view.state).toBe('succeeded');
    expect(englishErrors(view.errors)).toContain('The run named 51 test environments; the first 50 were kept');
    const [exec] = site.executions();
    expect(site.sb.world.executionEnvironmentsOf(exec!.id)).toEqual(environments.slice(0, 50));
  });

  test('an environment name of 300 characters is cut to 255, not refused', async () => {
    await site.link('Test', 'PROJ', '609');
    const res = await site.post({ runId: 'big-3', environments: ['x'.repeat(300)], results: [{ testCaseId: '609', status: 'SUCCESS' }] });
    expect(res.status).toBe(202);
    await site.sb.queue.idle();
    const view = await site.job(res.body.jobId as string);
    expect(englishErrors(view.errors)).toContain('cut to 255 characters');
  });
});
