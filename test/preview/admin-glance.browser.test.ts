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
    expect(text).toMatch(/Xray Cloud\s*Connected\s*tested (now|just now|.+ ago|\w+ \w+)/);
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

describe('admin tabs at a glance (issue 22 item 9 and the smaller list)', () => {
  it('item 9: Mapping keeps Save in view at the top, says there are unsaved changes, and shows each status in Xray\'s colours', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Mapping' }).click();
    const tab = app.getByRole('tabpanel');
    const table = tab.getByRole('table', { name: 'Status map' });
    await table.waitFor();
    await expect(tab.getByText('Unsaved changes').count()).resolves.toBe(0);
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim());
    expect(heads.slice(0, 3)).toEqual(['Testsigma result', 'Xray status', 'Change to']);
    // PASSED reads green and FAILED red, as in the panel and in Xray.
    const colour = async (word: string, status: string) => {
      const row = table.getByRole('row').filter({ has: app.getByText(word, { exact: true }) });
      const lozenge = row.getByText(status, { exact: true }).first();
      const rgb = await lozenge.evaluate((el) => {
        for (let n: Element | null = el; n; n = n.parentElement) {
          const bg = getComputedStyle(n).backgroundColor;
          if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
        }
        return '';
      });
      const [r, g] = (rgb.match(/\d+/g) ?? []).map(Number);
      return { r: r!, g: g! };
    };
    const passed = await colour('SUCCESS', 'PASSED');
    const failed = await colour('FAILURE', 'FAILED');
    expect(passed.g).toBeGreaterThan(passed.r);
    expect(failed.r).toBeGreaterThan(failed.g);
    // A change: the top bar, in view without scrolling, says so and saves.
    await app.getByLabel('QUEUED', { exact: true }).click();
    await app.getByRole('option', { name: 'EXECUTING' }).click();
    await tab.getByText('Unsaved changes').first().waitFor();
    await expect(tab.getByText('Unsaved changes').count()).resolves.toBe(2);
    const save = tab.getByRole('button', { name: 'Save', exact: true }).first();
    const frame = await box(page.locator('iframe[title="Testsigma links for Xray"]'));
    const saveBox = await box(save);
    expect(frame.y + saveBox.y).toBeLessThan(900);
    expect(saveBox.y).toBeLessThan((await box(table)).y);
    await save.click();
    await app.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    await expect(tab.getByText('Unsaved changes').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 9: the sync log is a tighter table (six columns, results by Xray status, "1 not linked"), Refresh above it, and no empty gap under it', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Sync log' }).click();
    const table = app.getByRole('table', { name: 'Sync log, newest first' });
    await table.waitFor();
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim());
    expect(heads).toEqual(['Run', 'State', 'Test Execution', 'Results', 'Updated']);
    const row337 = table.getByRole('row').filter({ has: app.getByRole('cell', { name: '337', exact: true }) });
    expect(await row337.innerText()).toMatch(/Partly synced[\s\S]*SHOP-\d+[\s\S]*4 PASSED\s*2 FAILED\s*1 not linked/);
    // One line a run.
    const rowHeights = await table.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => r.getBoundingClientRect().height));
    for (const height of rowHeights) expect(height).toBeLessThan(48);
    const [refresh, tableBox] = await Promise.all([box(app.getByRole('button', { name: 'Refresh' })), box(table)]);
    expect(refresh.y + refresh.height).toBeLessThanOrEqual(tableBox.y);
    expect(refresh.x).toBeGreaterThan(tableBox.x + tableBox.width / 2);
    await expect(app.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    // Nothing drawn under the table: it ends the tab.
    const below = await app.getByRole('tabpanel').evaluate((panel, tableBottom) => {
      let lowest = 0;
      for (const el of Array.from(panel.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.height > 0 && r.top >= tableBottom - 1 && el.textContent?.trim()) lowest = Math.max(lowest, r.bottom);
      }
      return lowest;
    }, tableBox.y + tableBox.height);
    expect(below).toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 9: the job dialog lists labels and values with the run\'s results by Xray status, and says a partial delivery as a warning', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Sync log' }).click();
    const row = app.getByRole('row').filter({ has: app.getByRole('cell', { name: '337', exact: true }) });
    await row.getByRole('button', { name: 'Details' }).click();
    const dialog = app.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Run 337' }).waitFor();
    const text = await dialog.innerText();
    expect(text).toMatch(/6 of 7 results reached Xray; the rest are listed below\./);
    expect(text).toMatch(/State\s*Partly synced\s*Test Execution\s*SHOP-\d+\s*Results in Xray\s*4 PASSED\s*2 FAILED\s*Counts\s*7 received, 6 synced, 1 not linked, 0 failed\s*Received\s*.+\s*Updated/);
    // Label and value on one line, the values in one column.
    const [stateLabel, stateValue, resultsLabel, resultsValue] = await Promise.all([
      box(dialog.getByText('State', { exact: true })),
      box(dialog.getByText('Partly synced', { exact: true })),
      box(dialog.getByText('Results in Xray', { exact: true })),
      box(dialog.getByText('4 PASSED', { exact: true })),
    ]);
    expect(Math.abs(stateLabel.y + stateLabel.height / 2 - (stateValue.y + stateValue.height / 2))).toBeLessThan(8);
    expect(Math.abs(resultsLabel.y + resultsLabel.height / 2 - (resultsValue.y + resultsValue.height / 2))).toBeLessThan(8);
    expect(Math.abs(stateValue.x - resultsValue.x)).toBeLessThan(4);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 9 in German: save bar, sync log, job dialog and the examples in tabs', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin', locale: 'de-DE' });
    await app.getByRole('tab', { name: 'Zuordnung' }).click();
    // (The English test saved QUEUED on this file's site: change another row.)
    await app.getByLabel('STOPPED', { exact: true }).click();
    await app.getByRole('option', { name: 'FAILED' }).click();
    await app.getByText('Ungespeicherte Änderungen').first().waitFor();
    await expect(app.getByText('Ungespeicherte Änderungen').count()).resolves.toBe(2);
    await app.getByRole('tab', { name: 'Web-Trigger' }).click();
    for (const name of ['Kommandozeile (xts)', 'curl, signiert', 'curl, Bearer-Token']) {
      await app.getByRole('tab', { name }).click();
      await app.getByRole('tab', { name, selected: true }).waitFor();
    }
    await app.getByRole('tab', { name: 'Synchronisierungsprotokoll' }).click();
    const table = app.getByRole('table', { name: 'Synchronisierungsprotokoll, neueste zuerst' });
    await table.waitFor();
    expect((await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim())).toEqual(['Lauf', 'Status', 'Test Execution', 'Ergebnisse', 'Aktualisiert']);
    const row = table.getByRole('row').filter({ has: app.getByRole('cell', { name: '337', exact: true }) });
    expect(await row.innerText()).toMatch(/Teilweise synchronisiert[\s\S]*4 PASSED\s*2 FAILED\s*1 nicht verknüpft/);
    await row.getByRole('button', { name: 'Details' }).click();
    const dialog = app.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Lauf 337' }).waitFor();
    expect(await dialog.innerText()).toMatch(/6 von 7 Ergebnissen sind in Xray angekommen[\s\S]*Ergebnisse in Xray\s*4 PASSED\s*2 FAILED/);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('smaller: an error clears when the admin acts again, and the wave\'s sections read alike (pick-up state by its heading, Free a case answering under its field)', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin' });
    await app.getByRole('tab', { name: 'Web trigger' }).click();
    const pickup = app.getByRole('heading', { name: 'Runs without a CI job' });
    await pickup.waitFor();
    const state = app.getByText(/^Pick-up (on|off)$/);
    const [heading, lozenge] = await Promise.all([box(pickup), box(state)]);
    expect(Math.abs(heading.y + heading.height / 2 - (lozenge.y + lozenge.height / 2))).toBeLessThan(10);
    await app.getByRole('tab', { name: 'Mapping' }).click();
    const field = app.getByLabel('Testsigma test case id');
    await field.fill('abc');
    await app.getByRole('button', { name: 'Free the case' }).click();
    // The field's group: its label, the field, then the answer under it.
    const group = app.locator('label[for="free-case-id"]').locator('xpath=..');
    const lines = async () => (await group.innerText()).split('\n').map((l) => l.trim()).filter((l) => l !== '');
    for (let i = 0; i < 50 && (await lines()).length < 2; i++) await page.waitForTimeout(100);
    const said = (await lines()).at(-1)!;
    expect(said).not.toBe('Testsigma test case id');
    const [fieldBox, messageBox] = await Promise.all([box(field), box(group.getByText(said, { exact: true }))]);
    expect(messageBox.y).toBeGreaterThan(fieldBox.y + fieldBox.height - 1);
    expect(messageBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(40);
    await field.fill('609');
    await expect(group.getByText(said, { exact: true }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
});
