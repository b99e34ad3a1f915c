/**
 * Issue 22's admin part in the browser (items 8 and 9 and the smaller list): first setup, each section's status,
 * messages under their fields and results beside the button; the Mapping tab's save bar and unsaved changes, the
 * sync log's tighter table, the job dialog's label and value list, the examples in tabs. Structure, not pixels:
 * roles, visible text and where things stand relative to each other, in English and German.
 */
import type { FrameLocator, Locator } from 'playwright-core';
import { previewErrors, useHarness } from './browser';

jest.setTimeout(120_000);

const h = useHarness();

const box = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error('not drawn');
  return b;
};

/** The Connection tab's panel. */
const connection = (app: FrameLocator) => app.getByRole('tabpanel');

describe('admin page at a glance (issue 22)', () => {
  it('item 8: on a fresh site, Test connection names each empty required field right under it, and step 1 stays to do', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin' });
    const tab = connection(app);
    await tab.getByRole('heading', { name: 'Xray Cloud' }).waitFor();
    await expect(tab.getByText('Not set', { exact: true }).count()).resolves.toBe(2);
    await tab.getByRole('button', { name: 'Test connection' }).click();
    const idError = tab.getByText('Enter the client id of an Xray API key to test the connection.');
    await idError.waitFor();
    const secretError = tab.getByText('Enter the client secret of the same API key.');
    // Each message sits between its field and the next field's label.
    const [idField, idMsg, secretLabel, secretField, secretMsg, planLabel] = await Promise.all([
      box(app.getByLabel('Client id (required)')),
      box(idError),
      box(tab.getByText('Client secret (required)')),
      box(app.getByLabel('Client secret (required)')),
      box(secretError),
      box(tab.getByText('Xray plan', { exact: true })),
    ]);
    expect(idMsg.y).toBeGreaterThan(idField.y + idField.height - 1);
    expect(idMsg.y).toBeLessThan(secretLabel.y);
    expect(secretMsg.y).toBeGreaterThan(secretField.y + secretField.height - 1);
    expect(secretMsg.y).toBeLessThan(planLabel.y);
    // Nothing was tested: the checklist's first step is still to do, and no red section message appeared.
    const checklist = app.locator('section').filter({ hasText: 'Get started' }).first();
    expect(await checklist.innerText()).toMatch(/1\. Connect Xray\s*To do/);
    // Fields and Selects about 480 px wide, not across the page.
    for (const label of ['Region', 'Client id (required)', 'Xray plan', 'Base URL', 'API key (optional)']) {
      expect((await box(app.getByLabel(label, { exact: true }))).width).toBeLessThanOrEqual(500);
    }
    // Typing clears the message for that field.
    await app.getByLabel('Client id (required)').fill('client-1');
    await expect(idError.count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 8: a set-up site says by each section that it is connected and when it was tested; a test shows its outcome beside the button and its messages under the fields', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    const tab = connection(app);
    await tab.getByRole('heading', { name: 'Xray Cloud' }).waitFor();
    const text = await tab.innerText();
    expect(text).toMatch(/Xray Cloud\s*Connected\s*tested (just now|.+ ago|\w+ \w+)/);
    expect(text).toMatch(/Testsigma\s*Connected\s*tested /);
    const test = tab.getByRole('button', { name: 'Test connection' });
    await test.click();
    const xrayOk = tab.getByText('Xray connected', { exact: true });
    await xrayOk.waitFor({ timeout: 60_000 });
    // Beside the button: on its line, to its right.
    const [button, result] = await Promise.all([box(test), box(xrayOk)]);
    expect(Math.abs(result.y + result.height / 2 - (button.y + button.height / 2))).toBeLessThan(12);
    expect(result.x).toBeGreaterThan(button.x + button.width);
    // The full messages under the fields they concern, above the buttons.
    const xrayMessage = tab.getByText(/^Connected to Xray Cloud in the EU region/);
    const [msg, secret] = await Promise.all([box(xrayMessage), box(app.getByLabel('Client secret', { exact: true }))]);
    expect(msg.y).toBeGreaterThan(secret.y);
    expect(msg.y).toBeLessThan(button.y);
    await tab.getByText(/^Connected to Testsigma at /).waitFor();
    expect(await tab.innerText()).toMatch(/Xray Cloud\s*Connected\s*tested just now/);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 8 in German: statuses, the optional key and the messages', async () => {
    const fresh = await h.open({ site: 'fresh', as: 'admin', page: 'admin', locale: 'de-DE' });
    const tab = connection(fresh.app);
    await tab.getByText('API-Schlüssel (optional)').waitFor();
    await expect(tab.getByText('Nicht gesetzt', { exact: true }).count()).resolves.toBe(2);
    await tab.getByRole('button', { name: 'Verbindung testen' }).click();
    await tab.getByText('Geben Sie die Client-ID eines Xray-API-Schlüssels ein, um die Verbindung zu testen.').waitFor();
    expect(await previewErrors(fresh.page)).toEqual([]);
    const ready = await h.open({ site: 'ready', as: 'admin', page: 'admin', locale: 'de-DE' });
    expect(await connection(ready.app).innerText()).toMatch(/Xray Cloud\s*Verbunden\s*getestet /);
    expect(await previewErrors(ready.page)).toEqual([]);
  });
});
