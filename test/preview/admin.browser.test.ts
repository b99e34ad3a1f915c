/**
 * The admin page in Chromium: a Jira admin saves settings, tests the connection, creates the web trigger secret and
 * copies the URL, and reads the sync log down to one job's detail. Roles and visible text only.
 */
import { previewErrors, startHarness, type PreviewHarness } from './browser';

jest.setTimeout(90_000);

let h: PreviewHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('admin page in the browser', () => {
  it('saves a setting and shows it saved', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Mapping' }).click();
    const project = app.getByLabel('Default project key');
    await project.fill('SHOP');
    const save = app.getByRole('tabpanel').getByRole('button', { name: 'Save' });
    await save.click();
    await app.getByText('Settings saved').waitFor();
    await expect(project.inputValue()).resolves.toBe('SHOP');
    await expect(save.isDisabled()).resolves.toBe(true);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('tests the connection and reads both answers', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('button', { name: 'Test connection' }).click();
    await app.getByText(/^Connected to Xray Cloud in the EU region/).waitFor();
    await app.getByText(/Xray statuses: .*PASSED/).waitFor();
    await app.getByText(/^Connected to Testsigma at /).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('tells an admin of a site answering 429 that Xray is busy', async () => {
    const { page, app } = await h.open({ site: 'xray-429', as: 'admin', page: 'admin' });
    await app.getByRole('button', { name: 'Test connection' }).click();
    await app.getByText(/Xray's request limit for this site is used up for now \(300 requests per 5 minutes\)/).waitFor({ timeout: 60_000 });
    // Testsigma is unaffected.
    await app.getByText(/^Connected to Testsigma at /).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('creates the web trigger secret on a fresh site, shows it once, with the URL to copy', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Web trigger' }).click();
    await app.getByText(/No secret yet/).waitFor();
    await app.getByRole('button', { name: 'Create secret' }).click();
    await app.getByText('Copy the secret now').waitFor();
    const site = await h.preview.site('fresh');
    // The URL is on the page as text an admin can select and copy; the examples carry it too.
    const url = app.getByText(site.sb.webtriggerUrl, { exact: true });
    await expect(url.count()).resolves.toBe(1);
    const copied = await url.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      return sel.toString();
    });
    expect(copied).toBe(site.sb.webtriggerUrl);
    await expect(app.getByText(/XTS_SECRET|Bearer|X-Signature/).count()).resolves.toBeGreaterThan(0);
    await app.getByRole('button', { name: 'I have copied it' }).click();
    await app.getByRole('button', { name: 'Rotate secret' }).waitFor();
    await expect(app.getByText('Copy the secret now').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it("opens the sync log and one job's detail", async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Sync log' }).click();
    const row = app.getByRole('row').filter({ has: app.getByRole('cell', { name: '337', exact: true }) });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/partial/);
    await row.getByRole('button', { name: 'Details' }).click();
    await app.getByText('Run 337', { exact: true }).waitFor();
    await app.getByText('Unmapped Testsigma test cases').waitFor();
    await app.getByText('606', { exact: true }).waitFor();
    await app.getByRole('button', { name: 'Close details' }).click();
    await expect(app.getByText('Unmapped Testsigma test cases').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('shows a non-admin only a message, with no control', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'admin' });
    await app.getByText(/administrator/i).first().waitFor();
    await expect(app.locator('button:enabled, input:enabled, textarea:enabled, [role="tab"]').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
});
