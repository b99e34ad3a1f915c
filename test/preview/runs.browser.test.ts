/**
 * Issue 20 in Chromium, as users meet it: the Run dialog on a Test Plan, a run started from Jira that Testsigma is
 * still running (with its link), a run picked up from Testsigma, Re-run failed, and the admin's pick-up section, in
 * English and German. The preview's `runs-from-testsigma` site seeds them over the real resolvers and emulators.
 */
import { previewErrors, useHarness } from './browser';

jest.setTimeout(120_000);

const h = useHarness();

describe('runs without a CI job in the browser', () => {
  it('issue 22: the newest run, still in Testsigma, leads as Running in Testsigma with who started it, never "0 of 0 synced" or a time ahead; Re-run failed is a compact button; flaky keys stay whole', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'editor', page: 'test-plan' });
    await app.getByRole('heading', { name: /^Newest run: \d+$/ }).waitFor();
    const text = await app.locator('#app').innerText();
    expect(text).toMatch(/Newest run: \d+\s+Running in Testsigma\s+Started from Jira\s+Results arrive when the run ends\.\s+Open in Testsigma/);
    expect(text).not.toMatch(/0 of 0 synced|\bin \d+ (second|minute)/);
    const runs = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    const rerun = (await runs.getByRole('button', { name: 'Re-run failed' }).boundingBox())!;
    const cell = (await runs.getByRole('button', { name: 'Re-run failed' }).locator('xpath=ancestor::td[1]').boundingBox())!;
    expect(rerun.width).toBeLessThan(cell.width - 20);
    const flaky = app.getByRole('table', { name: 'Flaky tests' });
    const keyHeights = await flaky.getByRole('link', { name: /^SHOP-\d+$/ }).evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height));
    expect(keyHeights.length).toBeGreaterThan(0);
    for (const height of keyHeights) expect(height).toBeLessThan(30);
    await expect(flaky.getByRole('link', { name: '#601' }).getAttribute('href')).resolves.toMatch(/^https:\/\/app\.testsigma\.com\/ui\/td\/cases\/601/);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('issue 22: a run split by machine lists a Test Execution a machine, and says it created a Test for a case linked to none', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'viewer', page: 'test-plan' });
    const runs = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    const split = runs.getByRole('row').filter({ hasText: /^\s*338/ });
    await split.waitFor();
    await expect(split.getByRole('link', { name: /^SHOP-\d+$/ }).count()).resolves.toBe(2);
    await expect(split.getByText('1 Test created').count()).resolves.toBe(1);
    expect(await split.innerText()).toMatch(/2 PASSED[\s\S]*1 FAILED/);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('issue 22 in German: Läuft in Testsigma', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'viewer', page: 'test-plan', locale: 'de-DE' });
    await app.getByRole('heading', { name: /^Neuester Lauf: \d+$/ }).waitFor();
    const text = await app.locator('#app').innerText();
    expect(text).toMatch(/Neuester Lauf: \d+\s+Läuft in Testsigma\s+Aus Jira gestartet/);
    await expect(app.getByRole('link', { name: 'In Testsigma öffnen' }).count()).resolves.toBe(1);
    await expect(app.getByText('1 Test angelegt').count()).resolves.toBe(1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('an editor opens the Run dialog, sees the build number and the saved configurations, and the new run shows running in Testsigma with its link', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'editor', page: 'test-plan' });
    const runs = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    // The run started from Jira while seeding is still running; the picked-up run has its Test Execution.
    const running = runs.getByRole('row').filter({ hasText: 'Running in Testsigma' });
    await expect(running.getByText('Started from Jira').count()).resolves.toBe(1);
    await expect(running.getByRole('link').first().getAttribute('href')).resolves.toMatch(/^https:\/\/app\.testsigma\.com\/ui\/td\/runs\/\d+$/);
    const picked = runs.getByRole('row').filter({ hasText: 'Picked up from Testsigma' });
    await expect(picked.getByRole('link', { name: /^SHOP-\d+$/ }).count()).resolves.toBe(1);
    await expect(picked.getByRole('button', { name: 'Re-run failed' }).count()).resolves.toBe(1);

    const before = await runs.getByRole('row').filter({ hasText: 'Running in Testsigma' }).count();
    await app.getByRole('button', { name: 'Run in Testsigma' }).click();
    const dialog = app.getByRole('dialog');
    await dialog.getByText('Run Testsigma test plan #274').waitFor();
    await dialog.getByLabel('Build number').fill('1.5.0');
    await dialog.getByLabel('Saved configuration').click();
    await app.getByText('Sign-in only', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await app.getByRole('status').filter({ hasText: 'Testsigma started the run' }).waitFor();
    await expect(runs.getByRole('row').filter({ hasText: 'Running in Testsigma' }).count()).resolves.toBe(before + 1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('a viewer sees the runs but no Run button and no Re-run failed', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'viewer', page: 'test-plan' });
    await app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' }).waitFor();
    await expect(app.getByRole('button', { name: 'Run in Testsigma' }).count()).resolves.toBe(0);
    await expect(app.getByRole('button', { name: 'Re-run failed' }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('Re-run failed starts Testsigma\'s re-run of that run, shown running at once', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'editor', page: 'test-plan' });
    const runs = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    // The preview keeps one site per state for the whole file: count what runs already.
    const before = await runs.getByRole('row').filter({ hasText: 'Running in Testsigma' }).count();
    await runs.getByRole('row').filter({ hasText: 'Picked up from Testsigma' }).getByRole('button', { name: 'Re-run failed' }).click();
    await app.getByRole('status').filter({ hasText: /Testsigma is re-running the failed tests of run \d+/ }).waitFor();
    await expect(runs.getByRole('row').filter({ hasText: 'Running in Testsigma' }).count()).resolves.toBe(before + 1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('in German, and the admin page shows the pick-up switches and its last round', async () => {
    const { page, app } = await h.open({ site: 'runs-from-testsigma', as: 'editor', page: 'test-plan', locale: 'de-DE' });
    await app.getByRole('button', { name: 'In Testsigma ausführen' }).waitFor();
    await app.getByText('Läuft in Testsigma').first().waitFor();
    expect(await previewErrors(page)).toEqual([]);

    const admin = await h.open({ site: 'runs-from-testsigma', as: 'admin', page: 'admin' });
    await admin.app.getByRole('tab', { name: 'Web trigger' }).click();
    await admin.app.getByText('Runs without a CI job').waitFor();
    await expect(admin.app.getByLabel(/Pick up runs started in Testsigma/).isChecked()).resolves.toBe(true);
    await admin.app.getByText('1 run picked up so far.').waitFor();
    expect(await previewErrors(admin.page)).toEqual([]);
  });
});
