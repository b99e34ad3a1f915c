/**
 * The issue panel in Chromium, as users meet it: the app's real frontend in the preview page, over the real resolvers
 * and the sandbox's emulated Jira, Xray and Testsigma. Assertions read roles and visible text only. The items are
 * those of issue 12 (the panel's part).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sendRun } from '../../sandbox/preview/sites';
import { previewErrors, useHarness } from './browser';

jest.setTimeout(90_000);

const h = useHarness();

describe('issue panel in the browser', () => {
  it('items 8, 11, 5: links as a table with id and name, last result, history and who linked it; ids as #601; relative times with the exact one in a Tooltip', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named' });
    const table = app.getByRole('table', { name: 'Linked Testsigma test cases' });
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim()).filter((c) => c !== '');
    expect(heads).toEqual(['Testsigma test case', 'Last result', 'History, newest first', 'Test Execution', 'When']);
    const row = table.getByRole('row').filter({ hasText: 'Sign in with a valid password' });
    await expect(row.getByRole('link', { name: /^#601/ }).count()).resolves.toBe(1);
    await expect(app.getByText(/TS-\d/).count()).resolves.toBe(0);
    await expect(row.getByText('FAILED', { exact: true }).count()).resolves.toBe(1);
    // Who linked it: an avatar named for assistive technology (issue 22 item 3: one line a case).
    await expect(row.getByRole('img', { name: 'Tess Tester' }).count()).resolves.toBeGreaterThan(0);
    // Hovering who linked it shows when, relative and exact.
    await row.getByRole('img', { name: 'Tess Tester' }).hover();
    await app.getByRole('tooltip').filter({ hasText: /^Linked (\d+ seconds? ago|now) \(.*\d{4}.*\)/ }).waitFor();
    // The caption is not repeated on screen: the table is named, not titled.
    await expect(app.getByText('Linked Testsigma test cases').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('items 7, 14, 2: links several ids at once, reports each outcome with a titled error and no retry, and flags success', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    await app.getByRole('button', { name: '+ Link test case' }).click();
    const field = app.getByLabel('Testsigma test case ids or URLs');
    await field.fill('https://app.testsigma.com/ui/td/cases/606/steps, 602\nnot-an-id');
    await app.getByRole('button', { name: 'Link all 3' }).click();
    await app.getByText('1 linked; 2 could not be').waitFor();
    await app.getByRole('status').filter({ hasText: 'Linked' }).waitFor();
    await app.getByRole('row').filter({ hasText: 'Gift card balance' }).waitFor();
    // Each failure is named with its reason; what failed stays in the field to fix.
    await expect(app.getByRole('listitem').filter({ hasText: /^#602: .*SHOP-2/ }).count()).resolves.toBe(1);
    await expect(app.getByRole('listitem').filter({ hasText: /^not-an-id: / }).count()).resolves.toBe(1);
    await expect(field.inputValue()).resolves.toBe('602\nnot-an-id');
    await expect(app.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 8: ten links a page', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    const ids = Array.from({ length: 10 }, (_, i) => String(900 + i));
    await app.getByRole('button', { name: '+ Link test case' }).click();
    await app.getByLabel('Testsigma test case ids or URLs').fill(ids.join(' '));
    await app.getByRole('button', { name: 'Link all 10' }).click();
    await app.getByRole('status').filter({ hasText: /Linked #900, #901, .*#909 to SHOP-\d+/ }).waitFor();
    const table = app.getByRole('table', { name: 'Linked Testsigma test cases' });
    // 12 links (777, 606 and these ten): ten on the first page, a second page for the rest.
    await expect(table.getByRole('button', { name: /^Actions for #\d+$/ }).count()).resolves.toBe(10);
    await app.getByRole('button', { name: /page 2/i }).click();
    await expect(table.getByRole('button', { name: /^Actions for #\d+$/ }).count()).resolves.toBe(2);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 14: unlinks only after the user confirms, with a flag', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    const row = app.getByRole('row').filter({ hasText: '#777' });
    // Unlink is in the row's menu.
    await row.getByRole('button', { name: 'Actions for #777' }).click();
    await row.getByRole('button', { name: 'Unlink' }).click();
    await app.getByRole('dialog').getByText('Unlink #777?').waitFor();
    await app.getByRole('button', { name: 'Cancel' }).click();
    await row.waitFor();
    await row.getByRole('button', { name: 'Actions for #777' }).click();
    await row.getByRole('button', { name: 'Unlink' }).click();
    await app.getByRole('dialog').getByRole('button', { name: 'Unlink', exact: true }).click();
    await app.getByRole('status').filter({ hasText: '#777 unlinked' }).waitFor();
    await expect(app.getByText('#777', { exact: true }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 9: a Test Set its coverage, the Tests not linked, and an empty Test Set says it has no Tests', async () => {
    const set = await h.open({ site: 'ready', as: 'editor', page: 'test-set' });
    await set.app.getByText('Automation coverage').waitFor();
    await set.app.getByText('6 of 7 Tests linked').waitFor();
    await expect(set.app.getByRole('progressbar').count()).resolves.toBe(1);
    await set.app.getByText('1 Test not linked yet:').waitFor();
    await expect(set.app.getByRole('link', { name: 'SHOP-7' }).count()).resolves.toBe(1);
    // The Test Set's field asks for a suite, not a test case id.
    await expect(set.app.getByText(/such as 609/).count()).resolves.toBe(0);
    expect(await previewErrors(set.page)).toEqual([]);

    // Nothing linked and no Tests: one empty state with its action (issue 22 item 7).
    const empty = await h.open({ site: 'ready', as: 'editor', page: 'test-set-empty' });
    await empty.app.getByText(/^No Testsigma test suite linked yet\./).waitFor();
    await expect(empty.app.getByText('This Test Set has no Tests yet.').count()).resolves.toBe(0);
    await expect(empty.app.getByText(/0 of 0/).count()).resolves.toBe(0);
    await expect(empty.app.getByPlaceholder("An id such as 55, or the suite's Testsigma URL").count()).resolves.toBe(1);
    expect(await previewErrors(empty.page)).toEqual([]);
  });

  it('item 9: a Test Plan names the first five unlinked Tests and links all of them in the issue navigator', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-plan' });
    await app.getByText('6 of 13 Tests linked').waitFor();
    await app.getByText('7 Tests not linked yet:').waitFor();
    const coverage = app.getByRole('link', { name: /^SHOP-\d+$/ });
    // The five named ones, then "Show all", and nothing else in that line (the flaky list and runs come later).
    const all = app.getByRole('link', { name: 'Show all 7 in Jira' });
    await expect(all.getAttribute('href')).resolves.toMatch(/^\/issues\/\?jql=key%20in%20/);
    expect((await coverage.allInnerTexts()).slice(0, 5)).toHaveLength(5);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 10: recent runs in people\'s words, deliveries of one run grouped', async () => {
    const site = await h.preview.site('ready');
    // Run 339 arrives in two deliveries.
    await sendRun(site, { runId: '339', results: [{ testCaseId: '603', status: 'SUCCESS' }] });
    await sendRun(site, { runId: '339', results: [{ testCaseId: '605', status: 'SUCCESS' }] });
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-plan' });
    const table = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim());
    expect(heads).toEqual(['Run', 'Outcome', 'Test Execution', 'When']);
    const grouped = table.getByRole('row').filter({ hasText: '339' });
    await expect(grouped.innerText()).resolves.toMatch(/2 deliveries[\s\S]*2 PASSED/);
    await expect(table.getByText(/succeeded|partial|queued/).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 13: a viewer gets no banner and no control that changes anything (Refresh only re-reads)', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-named' });
    await app.getByRole('table', { name: 'Linked Testsigma test cases' }).waitFor();
    await expect(app.getByText(/you can see these links|read-only|permission/i).count()).resolves.toBe(0);
    const enabled = app.locator('button:enabled, input:enabled, textarea:enabled, select:enabled, [role="combobox"]');
    const names = await enabled.allInnerTexts();
    expect(names.map((n) => n.trim())).toEqual(['Refresh']);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 1: says why data is missing, in the section it explains', async () => {
    const names = await h.open({ site: 'no-testsigma-key', as: 'editor', page: 'test-named' });
    await names.app.getByText('Names are not shown: the app has no Testsigma API key. Ask a Jira admin to add one.').waitFor();
    expect(await previewErrors(names.page)).toEqual([]);

    const noXray = await h.open({ site: 'xray-not-set-up', as: 'editor', page: 'test-set' });
    await noXray.app.getByText('Coverage is unavailable: Xray is not connected. Ask a Jira admin to set it up.').waitFor();
    expect(await previewErrors(noXray.page)).toEqual([]);

    const busy = await h.open({ site: 'xray-429', as: 'editor', page: 'test-set' });
    await busy.app.getByText(/^Coverage is unavailable right now: Xray is busy/).waitFor({ timeout: 30_000 });
    // The notice sits under the coverage heading, not above the links.
    const text = await busy.app.locator('#app').innerText();
    expect(text.indexOf('Automation coverage')).toBeLessThan(text.indexOf('Coverage is unavailable right now'));
    expect(await previewErrors(busy.page)).toEqual([]);
  });

  it('shows a run sent with the xts CLI after Refresh', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-plan' });
    await app.getByText('Recent runs', { exact: true }).waitFor();
    await expect(app.getByRole('cell', { name: 'cli-run-42' }).count()).resolves.toBe(0);

    const site = await h.preview.site('ready');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xts-preview-'));
    const file = path.join(dir, 'results.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ runId: 'cli-run-42', testPlanId: '274', results: [{ testCaseId: '603', status: 'FAILURE' }, { testCaseId: '604', status: 'SUCCESS' }] }),
    );
    // Not spawnSync: the sandbox that answers the CLI runs in this process.
    const status = await new Promise<number | null>((resolve) => {
      const cli = spawn(process.execPath, [path.join(__dirname, '..', '..', 'cli', 'dist', 'xts.cjs'), 'send', file, '--wait', '--poll-interval', '1'], {
        env: { ...process.env, XTS_URL: site.webtrigger.url, XTS_SECRET: site.webtrigger.secret ?? '' },
        stdio: 'ignore',
      });
      cli.on('exit', resolve);
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(status).toBe(0);

    await app.getByRole('button', { name: 'Refresh' }).click();
    const row = app.getByRole('row').filter({ hasText: 'cli-run-42' });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/1 PASSED[\s\S]*1 FAILED/);
    expect(await previewErrors(page)).toEqual([]);
  });
});
