/**
 * The admin page in Chromium: a Jira admin follows Get started, saves and tests the connection in one step, maps
 * statuses with Selects of the site's statuses, creates the web trigger secret and copies the URL, and reads the
 * sync log down to one run's detail in a Modal. Roles and visible text only; the items are those of issue 12.
 */
import { previewErrors, useHarness } from './browser';

jest.setTimeout(90_000);

const h = useHarness();

describe('admin page in the browser', () => {
  it('item 3: a fresh site gets the Get started checklist, each step with its state and action; the empty sync log leads to the Web trigger tab', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin' });
    const checklist = app.getByRole('region').filter({ hasText: 'Get started' }).or(app.locator('section').filter({ hasText: 'Get started' })).first();
    await checklist.waitFor();
    const text = await checklist.innerText();
    expect(text).toMatch(/1\. Connect Xray\s*To do/);
    expect(text).toMatch(/2\. Connect Testsigma\s*Optional/);
    expect(text).toMatch(/3\. Create the web trigger secret\s*To do/);
    expect(text).toMatch(/4\. Receive a first run\s*To do/);
    await expect(checklist.getByRole('link', { name: /Where Xray API keys are made/ }).count()).resolves.toBe(1);
    await checklist.getByRole('button', { name: 'Open Web trigger' }).click();
    await expect(app.getByRole('tab', { name: 'Web trigger', selected: true }).count()).resolves.toBe(1);

    await app.getByRole('tab', { name: 'Sync log' }).click();
    await app.getByText(/^No runs received yet/).waitFor();
    await app.getByRole('button', { name: 'Set up the web trigger' }).click();
    await expect(app.getByRole('tab', { name: 'Web trigger', selected: true }).count()).resolves.toBe(1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 3: a set-up site whose connection was tested shows no checklist', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Connection' }).waitFor();
    await expect(app.getByText('Get started').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 4, 14: Save and test in one step, with a loading button and a flag', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('button', { name: 'Test connection' }).waitFor();
    await app.getByLabel('Base URL').fill('https://app.testsigma.com/');
    const button = app.getByRole('button', { name: 'Save and test' });
    await button.click();
    await app.getByRole('status').filter({ hasText: 'Saved; Xray and Testsigma answered' }).waitFor();
    await app.getByText(/^Connected to Xray Cloud in the EU region/).waitFor();
    await app.getByText(/^Connected to Testsigma at /).waitFor();
    // The buttons keep their own width (not full-width bars).
    const box = await app.getByRole('button', { name: 'Test connection' }).boundingBox();
    expect(box!.width).toBeLessThan(300);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('tells an admin of a site answering 429 that Xray is busy', async () => {
    const { page, app } = await h.open({ site: 'xray-429', as: 'admin', page: 'admin' });
    await app.getByRole('button', { name: 'Test connection' }).click();
    await app.getByText(/Xray's request limit for this site is used up for now \(300 requests per 5 minutes\)/).waitFor({ timeout: 60_000 });
    await app.getByText(/^Connected to Testsigma at /).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 15: the Mapping tab maps with Selects of the site\'s statuses, labelled by the Testsigma result, and saves with a flag', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Mapping' }).click();
    const table = app.getByRole('table', { name: 'Status map' });
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim());
    expect(heads.slice(0, 2)).toEqual(['Testsigma result', 'Xray status']);
    // Each row's Select is named by its incoming word.
    const success = app.getByLabel('SUCCESS', { exact: true });
    await success.click();
    await app.getByRole('option', { name: 'ABORTED' }).waitFor();
    const options = (await app.getByRole('option').allInnerTexts()).map((o) => o.trim());
    expect(options).toEqual(expect.arrayContaining(['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED']));
    await app.getByRole('option', { name: 'ABORTED' }).click();
    const row = table.getByRole('row').filter({ has: app.getByText('SUCCESS', { exact: true }) });
    // The picker and, beside it, the status in Xray's colours.
    await row.getByText('ABORTED', { exact: true }).first().waitFor();
    await expect(row.getByText('ABORTED', { exact: true }).count()).resolves.toBe(2);
    await row.getByRole('button', { name: 'Undo' }).waitFor();
    for (const label of ['Test issue types', 'Test Execution issue type', 'Default project', 'Project for new defects', 'Issue type of new defects']) {
      await expect(app.getByLabel(label, { exact: true }).count()).resolves.toBe(1);
    }
    // The save bar at the top, in view without scrolling past the status map.
    await app.getByRole('tabpanel').getByRole('button', { name: 'Save', exact: true }).first().click();
    await app.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 16: creates the web trigger secret on a fresh site, shows it once in its own field, the URL in a read-only field, examples with $XTS_SECRET', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Web trigger' }).click();
    await app.getByText(/No secret yet/).waitFor();
    const site = await h.preview.site('fresh');
    const url = app.getByLabel('Web trigger URL');
    await expect(url.inputValue()).resolves.toBe(site.sb.webtriggerUrl);
    await expect(url.getAttribute('readonly')).resolves.not.toBeNull();
    await app.getByRole('button', { name: 'Create secret' }).click();
    await app.getByText('Copy the secret now').waitFor();
    const secret = app.getByLabel('New secret');
    await expect(secret.inputValue()).resolves.toMatch(/^\S{20,}$/);
    // The examples are in tabs (command line, signed curl, bearer curl); each reads the secret from $XTS_SECRET.
    const examples: string[] = [];
    for (const name of ['Command line (xts)', 'curl, signed', 'curl, bearer token']) {
      await app.getByRole('tab', { name }).click();
      examples.push(...(await app.locator('code, pre').allInnerTexts()));
    }
    expect(examples.join('\n')).toContain('"$XTS_SECRET"');
    expect(examples.join('\n')).toContain('Authorization: Bearer $XTS_SECRET');
    expect(examples.join('\n')).not.toContain(await secret.inputValue());
    await app.getByRole('button', { name: 'I have copied it' }).click();
    await app.getByRole('button', { name: 'Rotate secret' }).waitFor();
    await expect(app.getByText('Copy the secret now').count()).resolves.toBe(0);
    await expect(app.getByLabel('New secret').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it("items 10, 12: the sync log in people's words, and a run's detail in a Modal with unmapped ids linked to Testsigma", async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Sync log' }).click();
    const table = app.getByRole('table', { name: 'Sync log, newest first' });
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim());
    expect(heads.slice(0, 3)).toEqual(['Run', 'State', 'Test Execution']);
    const row = table.getByRole('row').filter({ has: app.getByRole('cell', { name: '337', exact: true }) });
    await expect(row.innerText()).resolves.toMatch(/Partly synced/);
    await expect(table.getByRole('row').filter({ has: app.getByRole('cell', { name: '336', exact: true }) }).innerText()).resolves.toMatch(/Synced/);
    await expect(table.getByText(/succeeded|partial|queued/).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Details' }).click();
    const dialog = app.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Run 337' }).waitFor();
    const unmapped = dialog.getByRole('link', { name: 'Test case #606' });
    await expect(unmapped.getAttribute('href')).resolves.toMatch(/testsigma\.com\/.*606/);
    await expect(dialog.getByText(/Job job-|job-\d/).count()).resolves.toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    await app.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await previewErrors(page)).toEqual([]);
  });

  it('shows a non-admin only a message, with no control', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'admin' });
    await app.getByText(/administrator/i).first().waitFor();
    await expect(app.locator('button:enabled, input:enabled, textarea:enabled, [role="tab"]').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
});
