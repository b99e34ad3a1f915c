/**
 * Item 6 in the browser: the panel and the admin page in the viewer's language (German here), numbers and relative
 * times through Intl; and the preview hands the viewer's locale and timezone to the resolvers, as Forge does, so
 * what the backend writes comes in that language too.
 */
import { previewErrors, useHarness } from './browser';

jest.setTimeout(90_000);

const h = useHarness();

describe('languages in the browser', () => {
  it('shows the panel in German, relative times included', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-named', locale: 'de-DE' });
    const table = app.getByRole('table', { name: 'Verknüpfte Testsigma-Testfälle' });
    const heads = (await table.getByRole('columnheader').allInnerTexts()).map((c) => c.trim()).filter((c) => c !== '');
    expect(heads).toEqual(['Testsigma-Testfall', 'Letztes Ergebnis', 'Verlauf, neueste zuerst', 'Test Execution', 'Wann']);
    // Relative times through Intl: beside Refresh, and in a status's Tooltip.
    await expect(app.getByText(/^aktualisiert (vor \d+ Sekunden?|jetzt)$/).count()).resolves.toBe(1);
    await table.getByText('FAILED', { exact: true }).first().hover();
    await app.getByRole('tooltip').filter({ hasText: /^Lauf 337 · (vor \d+ Sekunden?|jetzt) \(/ }).waitFor();
    await expect(app.getByRole('button', { name: 'Aktualisieren' }).count()).resolves.toBe(1);
    await expect(app.getByText(/seconds ago|Refresh|Last result/).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('shows the admin page in German: tabs, checklist-free set-up site, sync log states', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'admin', page: 'admin', locale: 'de-DE' });
    const tabs = (await app.getByRole('tab').allInnerTexts()).map((t) => t.trim());
    expect(tabs).toEqual(['Verbindung', 'Zuordnung', 'Web-Trigger', 'Synchronisierungsprotokoll']);
    await app.getByRole('tab', { name: 'Synchronisierungsprotokoll' }).click();
    await app.getByText('Teilweise synchronisiert').first().waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it('shows the panel notices in German', async () => {
    const { page, app } = await h.open({ site: 'no-testsigma-key', as: 'editor', page: 'test-named', locale: 'de-DE' });
    await app.getByText(/^Namen werden nicht angezeigt: /).waitFor();
    expect(await previewErrors(page)).toEqual([]);
  });

  it("shows a resolver's refusal in the viewer's language, under a German title", async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed', locale: 'de-DE' });
    await app.getByRole('button', { name: '+ Testfall verknüpfen' }).click();
    await app.getByLabel('Testsigma-Testfall-IDs oder -URLs').fill('602');
    await app.getByRole('button', { name: 'Verknüpfen', exact: true }).click();
    // 602 is linked to SHOP-2: the resolver says so in German (its words come from the backend's resources).
    const item = app.getByRole('listitem').filter({ hasText: /^#602: / });
    await item.waitFor();
    const text = await item.innerText();
    expect(text).toContain('SHOP-2');
    expect(text).not.toMatch(/\b(already|linked|Unlink)\b/);
    expect(await previewErrors(page)).toEqual([]);
  });

  it("passes the viewer's locale to the resolvers, which answer in it", async () => {
    const ask = async (locale: string) => {
      const query = new URLSearchParams({ site: 'no-testsigma-key', as: 'viewer', page: 'test-named', locale });
      const res = await fetch(`${h.preview.url}preview/api/invoke?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resolver: 'panel', key: 'getPanel', payload: {} }),
      });
      const envelope = (await res.json()) as { ok: boolean; data: { notices?: Array<{ code: string; message: string }> } };
      return envelope.data.notices?.find((n) => n.code === 'testsigma_not_configured')?.message;
    };
    await expect(ask('de-DE')).resolves.toMatch(/^Namen werden nicht angezeigt: /);
    await expect(ask('en-US')).resolves.toMatch(/^Names are not shown: /);
  });
});
