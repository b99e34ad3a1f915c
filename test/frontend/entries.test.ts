/**
 * The entry files, rendered by the real `@forge/react` reconciler and `@forge/bridge` over a fake bridge: this is how
 * the Forge host runs them, StrictMode included.
 */
import type { PanelView } from '../../src/shared/types';
import { docFind, docText, installBridge, type FakeBridge } from './bridge';
import { resource } from './forge-bridge';

const english = resource('en-US') as unknown as {
  app: { textsUnavailable: string };
  panel: { refresh: string; kind: { test: { empty: string } } };
};

let bridge: FakeBridge | undefined;
afterEach(() => bridge?.uninstall());

const view: PanelView = {
  issue: { id: '10001', key: 'PROJ-12', kind: 'test' },
  canEdit: true,
  links: [{ testsigmaKind: 'testCase', testsigmaId: '609', name: 'Login works', linkedBy: 'acc-1', linkedAt: '2026-11-25T10:00:00Z' }],
};

describe('entry files', () => {
  it('panel: renders through the bridge with one getPanel invoke', async () => {
    bridge = installBridge((key) => (key === 'getPanel' ? { ok: true, data: view } : undefined));
    jest.isolateModules(() => {
      require('../../src/frontend/panel/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes('Login works'));
    expect(doc.type).toBe('Root');
    expect(docText(doc)).toContain('#609');
    expect(docFind(doc, 'Button').length).toBeGreaterThan(0);
    // Let StrictMode's second effect pass happen, if it were going to invoke again.
    await new Promise((r) => setTimeout(r, 50));
    expect(bridge.invokes).toEqual([{ functionKey: 'getPanel', payload: {} }]);
  });

  it('panel: speaks the viewer\'s language, from the view context', async () => {
    bridge = installBridge((key) => (key === 'getPanel' ? { ok: true, data: { ...view, links: [] } } : undefined), 'de-DE');
    jest.isolateModules(() => {
      require('../../src/frontend/panel/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes('Noch keine Testsigma-Testfälle verknüpft.'));
    expect(docText(doc)).toContain('Aktualisieren');
  });

  it('summary: renders through the bridge with one getPanel invoke for the lighter view', async () => {
    const withResult: PanelView = {
      ...view,
      links: [{ ...view.links[0]!, lastResult: { status: 'FAILED', runId: '337', at: '2026-11-25T10:00:00Z' }, flaky: true }],
    };
    bridge = installBridge((key) => (key === 'getPanel' ? { ok: true, data: withResult } : undefined));
    jest.isolateModules(() => {
      require('../../src/frontend/summary/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes('1 Testsigma test case'));
    expect(docText(doc)).toContain('1 FAILED');
    expect(docText(doc)).toContain('Flaky');
    // Read-only: no control that changes anything.
    expect(docFind(doc, 'Button')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(bridge.invokes).toEqual([{ functionKey: 'getPanel', payload: { summary: true } }]);
  });

  it('admin page: renders through the bridge and shows a forbidden message alone', async () => {
    const message = "Only Jira administrators can change the Testsigma app's settings.";
    bridge = installBridge(() => ({ ok: false, error: { code: 'forbidden', message } }));
    jest.isolateModules(() => {
      require('../../src/frontend/admin/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes(message));
    expect(docText(doc)).toBe(message);
    expect(docFind(doc, 'Tabs')).toHaveLength(0);
    expect(bridge.invokes.map((i) => i.functionKey)).toEqual(['getSettings']);
  });

  it('panel: speaks English when the viewer\'s language fails to load, instead of spinning for ever', async () => {
    bridge = installBridge((key) => (key === 'getPanel' ? { ok: true, data: { ...view, links: [] } } : undefined), 'de-DE', { unavailable: ['de-DE.json'] });
    jest.isolateModules(() => {
      require('../../src/frontend/panel/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes(english.panel.refresh));
    expect(docText(doc)).toContain(english.panel.kind.test.empty);
    expect(docFind(doc, 'Spinner')).toHaveLength(0);
  });

  it('admin page: says plainly that its texts could not load when no translation loads, with no spinner', async () => {
    bridge = installBridge(() => ({ ok: true, data: {} }), 'en-US', { unavailable: ['i18n-info.json', 'en-US.json', 'de-DE.json'] });
    jest.isolateModules(() => {
      require('../../src/frontend/admin/index');
    });
    const doc = await bridge.waitFor((d) => docText(d).includes(english.app.textsUnavailable));
    expect(docFind(doc, 'Spinner')).toHaveLength(0);
    expect(bridge.invokes).toEqual([]);
  });
});
