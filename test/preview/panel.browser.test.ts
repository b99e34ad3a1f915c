/**
 * The issue panel in Chromium, as users meet it: the app's real frontend in the preview page, over the real resolvers
 * and the sandbox's emulated Jira, Xray and Testsigma. Assertions read roles and visible text only.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { previewErrors, startHarness, type PreviewHarness } from './browser';

jest.setTimeout(90_000);

let h: PreviewHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('issue panel in the browser', () => {
  it('links a case by its URL and lists it; a bad id answers an error and links nothing', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named' });
    const field = app.getByLabel('Testsigma test case id or URL');
    await field.fill('https://app.testsigma.com/ui/td/cases/606/steps');
    await app.getByRole('button', { name: 'Link', exact: true }).click();
    await app.getByText('Gift card balance', { exact: true }).waitFor();
    await expect(app.getByRole('link', { name: /TS-606/ }).count()).resolves.toBe(1);
    await expect(field.inputValue()).resolves.toBe('');

    await field.fill('not-an-id');
    await app.getByRole('button', { name: 'Link', exact: true }).click();
    const error = app.getByText(/not-an-id|id or URL|Testsigma (test case )?id/i).filter({ hasNotText: 'Testsigma test case id or URL' });
    await error.first().waitFor();
    // The typed text stays for the user to fix, and the list did not change.
    await expect(field.inputValue()).resolves.toBe('not-an-id');
    await expect(app.getByRole('button', { name: 'Unlink' }).count()).resolves.toBe(2);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('unlinks only after the user confirms', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    await app.getByText('TS-777').waitFor();
    await app.getByRole('button', { name: 'Unlink' }).click();
    await app.getByText('Unlink TS-777?').waitFor();
    await app.getByRole('button', { name: 'Cancel' }).click();
    await app.getByText('TS-777').waitFor();
    await app.getByRole('button', { name: 'Unlink' }).click();
    await app.getByRole('button', { name: 'Yes, unlink' }).click();
    await app.getByText(/No Testsigma test cases linked yet/).waitFor();
    await expect(app.getByText('TS-777').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('shows a Test Set its coverage: how many Tests are linked and which are not', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-set' });
    await app.getByText('Automation coverage').waitFor();
    await app.getByText(/\d+ of 7 Tests linked/).waitFor();
    await expect(app.getByRole('progressbar').count()).resolves.toBe(1);
    await expect(app.getByRole('link', { name: 'SHOP-7' }).count()).resolves.toBe(1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('gives a viewer no control that changes anything (Refresh only re-reads)', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-named' });
    await app.getByText(/you can see these links/i).waitFor();
    const enabled = app.locator('button:enabled, input:enabled, textarea:enabled, select:enabled, [role="combobox"]');
    const names = await enabled.allInnerTexts();
    expect(names.map((n) => n.trim())).toEqual(['Refresh']);
    await expect(app.getByRole('textbox').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
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
      const cli = spawn(process.execPath, [path.join(__dirname, '..', '..', 'cli', 'bin', 'xts.js'), 'send', file, '--wait', '--poll-interval', '1'], {
        env: { ...process.env, XTS_URL: site.webtrigger.url, XTS_SECRET: site.webtrigger.secret ?? '' },
        stdio: 'ignore',
      });
      cli.on('exit', resolve);
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(status).toBe(0);

    await app.getByRole('button', { name: 'Refresh' }).click();
    await app.getByRole('cell', { name: 'cli-run-42' }).waitFor();
    const row = app.getByRole('row').filter({ has: app.getByRole('cell', { name: 'cli-run-42' }) });
    await expect(row.innerText()).resolves.toMatch(/succeeded/);
    expect(await previewErrors(page)).toEqual([]);
  });
});
