/**
 * Issue 22 in the browser: the panel and the summary answer the tester's and the QA lead's question at a
 * glance. Structure, not pixels: roles and visible text, in English and German. Each file has its own preview
 * server, so the seeded sites here are as `sandbox/preview/sites.ts` leaves them.
 */
import { previewErrors, useHarness } from './browser';

jest.setTimeout(120_000);

const h = useHarness();

describe('at a glance (issue 22)', () => {
  it('item 1: a Test Plan leads with its newest run\'s outcome; each run gives its counts by Xray status, its sync state only when it needs attention', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-plan' });
    // Run 337 of the seeded site: 601 and 602 failed, 603, 604, 605 and 608 (on a retry) passed, 606 is linked to no Test.
    const lead = app.getByRole('heading', { name: 'Newest run: 337' });
    await lead.waitFor();
    const text = await app.locator('#app').innerText();
    expect(text.indexOf('Newest run: 337')).toBeLessThan(text.indexOf('Nightly regression'));
    expect(text).toMatch(/Newest run: 337\s+4 PASSED\s+2 FAILED\s+1 not linked/);
    const table = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    const row337 = await table.getByRole('row').filter({ hasText: '337' }).innerText();
    expect(row337).toMatch(/4 PASSED[\s\S]*2 FAILED[\s\S]*1 not linked/);
    // 337 had a case linked to no Test: its sync needs attention. 336 synced in full: no sync state shown.
    expect(row337).toContain('Partly synced');
    const row336 = await table.getByRole('row').filter({ hasText: '336' }).innerText();
    expect(row336).toMatch(/4 PASSED[\s\S]*2 FAILED/);
    expect(row336).not.toMatch(/Synced|synced/);
    // No "x of y synced" where the run's outcome can be told.
    await expect(app.getByText(/\d+ of \d+ synced/).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 1 in German: the newest run leads, its counts by Xray status', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-plan', locale: 'de-DE' });
    await app.getByRole('heading', { name: 'Neuester Lauf: 337' }).waitFor();
    expect(await app.locator('#app').innerText()).toMatch(/Neuester Lauf: 337\s+4 PASSED\s+2 FAILED\s+1 nicht verknüpft/);
    // Times in the runs table on one line ("vor 1 Min."), not "vor 1" / "Minute".
    const runs = app.getByRole('table', { name: /Läufe/ });
    const times = await runs.getByText(/^vor \d+ (Sek|Min)\.$|^jetzt$/).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(times.length).toBe(3);
    for (const height of times) expect(height).toBeLessThan(20);
    // Whole, not cut ("vor 4 S…"): the text is as wide as it needs.
    for (const [scroll, client] of await runs.getByText(/^vor \d+ (Sek|Min)\.$|^jetzt$/).evaluateAll((els) => els.map((e) => [e.scrollWidth, e.clientWidth]))) {
      expect(scroll).toBeLessThanOrEqual(client!);
    }
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 2: the summary on a Test says how its cases did, that one is flaky, the newest result, and where the panel is', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-named', module: 'summary' });
    await app.getByText('Newest result: run 337').waitFor();
    // SHOP-1 links 601 (failed last, flaky) and 608 (passed on a retry, flaky).
    const text = await app.locator('#app').innerText();
    expect(text).toMatch(/2 Testsigma test cases\s+1 PASSED\s+1 FAILED\s+Flaky/);
    expect(text).toMatch(/Newest result: run 337\s+(FAILED|PASSED)/);
    await expect(app.getByRole('link', { name: /^SHOP-\d+$/ }).count()).resolves.toBe(1);
    await app.getByText(/in the Testsigma panel/).waitFor();
    // Read-only and quiet: nothing to press but links.
    await expect(app.getByRole('button').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 2: the summary on a Test Plan names its plan and leads with the newest run; on a fresh site it says nothing is linked', async () => {
    const plan = await h.open({ site: 'ready', as: 'viewer', page: 'test-plan', module: 'summary' });
    await plan.app.getByRole('heading', { name: 'Newest run: 337' }).waitFor();
    const text = await plan.app.locator('#app').innerText();
    // The lighter view asks Testsigma nothing: the plan by its id, deep-linked.
    expect(text).toMatch(/Testsigma test plan\s+#274/);
    await expect(plan.app.getByRole('link', { name: /^#274/ }).count()).resolves.toBe(1);
    expect(text).toMatch(/4 PASSED\s+2 FAILED/);
    expect(await previewErrors(plan.page)).toEqual([]);

    const fresh = await h.open({ site: 'fresh', as: 'viewer', page: 'test-named', module: 'summary' });
    await fresh.app.getByText('No Testsigma test cases linked yet.').waitFor();
    expect(await previewErrors(fresh.page)).toEqual([]);
  });

  it('item 2 in German: the summary of a Test', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-named', module: 'summary', locale: 'de-DE' });
    await app.getByText('Neuestes Ergebnis: Lauf 337').waitFor();
    const text = await app.locator('#app').innerText();
    expect(text).toMatch(/2 Testsigma-Testfälle\s+1 PASSED\s+1 FAILED\s+Instabil/);
    expect(text).toMatch(/Neuestes Ergebnis: Lauf 337/);
    await expect(app.getByText(/test cases|Newest|panel\./).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
  it('item 4: green and red mean an outcome only: a sync state is neutral, yellow is Flaky alone', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'viewer', page: 'test-plan' });
    const table = app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' });
    await table.waitFor();
    const bg = async (text: string) => {
      const el = app.getByText(text, { exact: true }).first();
      return el.evaluate((node) => {
        for (let n: Element | null = node; n; n = n.parentElement) {
          const c = getComputedStyle(n).backgroundColor;
          if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
        }
        return '';
      });
    };
    const passed = await bg('4 PASSED');
    const failed = await bg('2 FAILED');
    const partly = await bg('Partly synced');
    expect(new Set([passed, failed, partly]).size).toBe(3);
    const named = await h.open({ site: 'ready', as: 'viewer', page: 'test-named' });
    const flaky = await (async () => {
      const el = named.app.getByText('Flaky', { exact: true }).first();
      await el.waitFor();
      return el.evaluate((node) => {
        for (let n: Element | null = node; n; n = n.parentElement) {
          const c = getComputedStyle(n).backgroundColor;
          if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
        }
        return '';
      });
    })();
    expect([passed, failed, partly]).not.toContain(flaky);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 6: a case already here is information; a refusal links the other Test; the flag names what was linked and where', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    await app.getByRole('button', { name: '+ Link test case' }).click();
    const field = app.getByLabel('Testsigma test case ids or URLs');
    await field.fill('777 602 951');
    await app.getByRole('button', { name: 'Link all 3' }).click();
    await app.getByRole('status').filter({ hasText: /Linked #951 to SHOP-\d+/ }).waitFor();
    await app.getByText('#777 is already linked to this Test.').waitFor();
    // 602 belongs to SHOP-2: the refusal names it as a link, in a warning (one of three went through).
    await expect(app.getByRole('listitem').filter({ hasText: /^#602: / }).getByRole('link', { name: 'SHOP-2' }).count()).resolves.toBe(1);
    await app.getByText('1 linked; 1 could not be').waitFor();
    // A partial success is yellow, not red: the message's background is a warm yellow (green above blue), not a red.
    const [r, g, b] = await app.getByText('1 linked; 1 could not be').evaluate((node) => {
      for (let n: Element | null = node; n; n = n.parentElement) {
        const c = getComputedStyle(n).backgroundColor;
        if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return (c.match(/\d+/g) ?? []).map(Number);
      }
      return [];
    });
    expect(r! - b!).toBeGreaterThan(20);
    expect(g! - b!).toBeGreaterThan(20);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 6 in German: the flag and the information', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed', locale: 'de-DE' });
    await app.getByRole('button', { name: '+ Testfall verknüpfen' }).click();
    await app.getByLabel('Testsigma-Testfall-IDs oder -URLs').fill('777 952');
    await app.getByRole('button', { name: 'Alle 2 verknüpfen' }).click();
    await app.getByRole('status').filter({ hasText: /#952 mit SHOP-\d+ verknüpft/ }).waitFor();
    await app.getByText('#777 ist bereits mit diesem Test verknüpft.').waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 7: one empty state on a fresh Test Plan; without a key, no banner for a viewer, ids keep their links and say "not checked"', async () => {
    const fresh = await h.open({ site: 'fresh', as: 'editor', page: 'test-plan' });
    await fresh.app.getByText(/^No Testsigma test plan linked yet\./).waitFor();
    await expect(fresh.app.getByText(/Recent runs|this Testsigma plan|has no Tests yet/).count()).resolves.toBe(0);
    expect(await previewErrors(fresh.page)).toEqual([]);

    const nokey = await h.open({ site: 'no-testsigma-key', as: 'viewer', page: 'test-named' });
    const row = nokey.app.getByRole('row').filter({ hasText: '#601' });
    await expect(row.getByRole('link', { name: '#601' }).count()).resolves.toBe(1);
    await expect(row.getByText('not checked').count()).resolves.toBe(1);
    // One line a case here too: the mark is cut, not wrapped ("Testsigm" / "a"), and whole in its Tooltip.
    expect(await row.evaluate((r) => r.getBoundingClientRect().height)).toBeLessThan(48);
    await expect(nokey.app.getByText(/Names are not shown/).count()).resolves.toBe(0);
    const unknown = await h.open({ site: 'ready', as: 'viewer', page: 'test-unnamed' });
    const row777 = unknown.app.getByRole('row').filter({ hasText: '#777' });
    await row777.getByText('Not found in Testsigma').waitFor();
    expect(await row777.evaluate((r) => r.getBoundingClientRect().height)).toBeLessThan(48);
    expect(await previewErrors(nokey.page)).toEqual([]);
  });

  it('item 7 in German: not checked', async () => {
    const { page, app } = await h.open({ site: 'no-testsigma-key', as: 'viewer', page: 'test-named', locale: 'de-DE' });
    await app.getByRole('row').filter({ hasText: '#601' }).getByText('nicht geprüft').waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 10: German has one word for each thing: Verknüpfung aufheben, Defekt, synchronisiert', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named', locale: 'de-DE' });
    await app.getByRole('button', { name: 'Aktionen für #601' }).click();
    await app.getByRole('button', { name: 'Defekt anlegen' }).first().waitFor();
    await expect(app.getByRole('button', { name: 'Verknüpfung aufheben' }).count()).resolves.toBeGreaterThan(0);
    await expect(app.getByText(/Trennen|Fehler anlegen/).count()).resolves.toBe(0);
    const plan = await h.open({ site: 'ready', as: 'editor', page: 'test-plan', locale: 'de-DE' });
    await plan.app.getByText('Teilweise synchronisiert').first().waitFor();
    await expect(plan.app.getByText(/übertragen/i).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
    expect(await previewErrors(plan.page)).toEqual([]);
  });
  it('item 5: the field waits behind a subtle "+ Link test case", opens with Link and Cancel; one id gets a one-line field', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named' });
    await app.getByRole('table', { name: 'Linked Testsigma test cases' }).waitFor();
    await expect(app.getByRole('textbox').count()).resolves.toBe(0);
    await app.getByRole('button', { name: '+ Link test case' }).click();
    const field = app.getByLabel('Testsigma test case ids or URLs');
    await expect(field.evaluate((el) => el.tagName)).resolves.toBe('TEXTAREA');
    // Link is not greyed out without a reason: on an empty field it says what it needs.
    await app.getByRole('button', { name: 'Link', exact: true }).click();
    await app.getByText('Enter a test case id or URL first.').waitFor();
    await app.getByRole('button', { name: 'Cancel' }).click();
    await expect(app.getByRole('textbox').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);

    // A Test Set with nothing linked: the one-line field is the empty state's action, open at once.
    const set = await h.open({ site: 'ready', as: 'editor', page: 'test-set-empty' });
    const one = set.app.getByLabel('Testsigma test suite id or URL');
    await expect(one.evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    expect(await previewErrors(set.page)).toEqual([]);
  });

  it('item 5 in German', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named', locale: 'de-DE' });
    await app.getByRole('button', { name: '+ Testfall verknüpfen' }).click();
    await app.getByRole('button', { name: 'Abbrechen' }).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });
  it('item 3: one line a case: status, history, Test Execution, time and a row menu; the run in the status\'s Tooltip', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named' });
    const table = app.getByRole('table', { name: 'Linked Testsigma test cases' });
    const row = table.getByRole('row').filter({ hasText: '#601' });
    await row.waitFor();
    const heads = await table.getByRole('columnheader').allInnerTexts();
    expect(heads.map((h) => h.replace(/\s+/g, ' ').trim()).filter((h) => h !== '')).toEqual(['Testsigma test case', 'Last result', 'History, newest first', 'Test Execution', 'When']);
    await expect(row.getByRole('link', { name: /^SHOP-\d+$/ }).count()).resolves.toBe(1);
    // The time, short and on one line; the exact time in its Tooltip.
    await expect(row.getByText(/^\d+ (sec|min)\. ago$/).count()).resolves.toBe(1);
    await expect(row.getByText(/^Run \d+/).count()).resolves.toBe(0);
    await row.getByText('FAILED', { exact: true }).hover();
    await app.getByRole('tooltip').filter({ hasText: /^Run 337 · / }).waitFor();
    // Compact actions: one icon button a row opens its menu (Create defect only on a failed case).
    await expect(row.getByRole('button', { name: 'Create defect' }).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Actions for #601' }).click();
    await expect(row.getByRole('button', { name: 'Create defect' }).count()).resolves.toBe(1);
    await expect(row.getByRole('button', { name: 'Unlink' }).count()).resolves.toBe(1);
    // A second press closes the menu.
    await row.getByRole('button', { name: 'Actions for #601' }).click();
    await row.getByRole('button', { name: 'Unlink' }).waitFor({ state: 'detached' });
    // One line a case: no row is taller than one line of lozenges and links, and no key breaks ("SHOP-" / "19").
    const heights = await table.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => r.getBoundingClientRect().height));
    for (const height of heights) expect(height).toBeLessThan(48);
    const keyHeights = await table.getByRole('link', { name: /^SHOP-\d+$/ }).evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height));
    for (const height of keyHeights) expect(height).toBeLessThan(30);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 3: column widths do not jump after a change (a defect filed, a case unlinked)', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'test-named' });
    const table = app.getByRole('table', { name: 'Linked Testsigma test cases' });
    await table.waitFor();
    const widths = () => table.getByRole('columnheader').evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().width)));
    const before = await widths();
    const row = table.getByRole('row').filter({ hasText: '#601' });
    await row.getByRole('button', { name: 'Actions for #601' }).click();
    await row.getByRole('button', { name: 'Create defect' }).click();
    await app.getByRole('status').filter({ hasText: /^Defect SHOP-\d+ created for #601/ }).waitFor();
    expect(await widths()).toEqual(before);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 3 in German: the same columns and the row menu', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named', locale: 'de-DE' });
    const row = app.getByRole('row').filter({ hasText: '#608' });
    await row.getByRole('button', { name: 'Aktionen für #608' }).click();
    await expect(row.getByRole('button', { name: 'Verknüpfung aufheben' }).count()).resolves.toBe(1);
    await expect(row.getByText(/^vor \d+ (Sek|Min)\.$/).count()).resolves.toBe(1);
    // The longer German words fit their columns: "Instabil" is not cut off by the next column.
    const [flaky, cell] = await row.getByText('Instabil', { exact: true }).evaluate((el) => [el.getBoundingClientRect().right, el.closest('td')!.getBoundingClientRect().right]);
    expect(flaky).toBeLessThanOrEqual(cell!);
    expect(await previewErrors(page)).toEqual([]);
  });
  it('smaller list: Refresh and "updated ..." at the top right, above everything else; no empty gap under the links and runs tables', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named' });
    const table = app.getByRole('table', { name: 'Linked Testsigma test cases' });
    await table.waitFor();
    const refresh = await app.getByRole('button', { name: 'Refresh' }).boundingBox();
    const updated = await app.getByText(/^updated /).boundingBox();
    const tableBox = (await table.boundingBox())!;
    expect(refresh!.y + refresh!.height).toBeLessThanOrEqual(tableBox.y);
    expect(refresh!.x + refresh!.width).toBeGreaterThan(tableBox.x + tableBox.width - 40);
    expect(updated!.x + updated!.width).toBeLessThanOrEqual(refresh!.x);
    // Under a table only Atlaskit's own 24 px margin: the next control follows at once.
    const add = (await app.getByRole('button', { name: '+ Link test case' }).boundingBox())!;
    expect(add.y - (tableBox.y + tableBox.height)).toBeLessThanOrEqual(28);
    const plan = await h.open({ site: 'ready', as: 'editor', page: 'test-plan' });
    const runs = (await plan.app.getByRole('table', { name: 'Recent runs of the linked Testsigma plan' }).boundingBox())!;
    const run = (await plan.app.getByRole('button', { name: 'Run in Testsigma' }).boundingBox())!;
    expect(run.y - (runs.y + runs.height)).toBeLessThanOrEqual(28);
    expect(await previewErrors(page)).toEqual([]);
    expect(await previewErrors(plan.page)).toEqual([]);
  });

  it('item 8: a first setup marks required fields and tells a missing Testsigma key as information', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin' });
    await app.getByText('Client id (required)').waitFor();
    await expect(app.getByText('Client secret (required)').count()).resolves.toBe(1);
    const width = await app.getByLabel('Client id (required)').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeLessThanOrEqual(500);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 8 in German', async () => {
    const { page, app } = await h.open({ site: 'fresh', as: 'admin', page: 'admin', locale: 'de-DE' });
    await app.getByText(/\(erforderlich\)$/).first().waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  // Last in this file: it changes the ready site's Test Set for the tests after it.
  it('item 5: "Replace" in a Test Set\'s row menu unlinks its suite and links the new one, with a flag naming both', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-set' });
    await expect(app.getByText(/first to link another/).count()).resolves.toBe(0);
    await app.getByRole('button', { name: 'Actions for #55' }).click();
    await app.getByRole('button', { name: 'Replace', exact: true }).click();
    const field = app.getByLabel('Replace test suite #55 with');
    // Checked before anything changes: the suite linked now is not a replacement.
    await field.fill('55');
    await app.getByRole('button', { name: 'Replace', exact: true }).click();
    await app.getByText('#55 is the one linked now: enter another id.').waitFor();
    await field.fill('https://app.testsigma.com/ui/td/suites/56');
    await app.getByRole('button', { name: 'Replace', exact: true }).click();
    await app.getByRole('status').filter({ hasText: /^Replaced #55 with #56 on SHOP-\d+/ }).waitFor();
    const table = app.getByRole('table', { name: 'Linked Testsigma test suite' });
    await expect(table.getByRole('link', { name: '#56' }).count()).resolves.toBe(1);
    await expect(table.getByText('#55', { exact: true }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('item 5 in German: Ersetzen', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-plan', locale: 'de-DE' });
    await app.getByRole('button', { name: 'Aktionen für #274' }).click();
    await app.getByRole('button', { name: 'Ersetzen', exact: true }).click();
    await app.getByLabel('Testplan #274 ersetzen durch').waitFor();
    await app.getByRole('button', { name: 'Abbrechen' }).click();
    await expect(app.getByLabel('Testplan #274 ersetzen durch').count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
});
