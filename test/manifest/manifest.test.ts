import { validate } from '@forge/manifest';
import { TESTSIGMA_HOSTS } from '../../src/domain/settings';
import { XRAY_BASE_URLS } from '../../src/xray/xray-types';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

jest.mock('@forge/api', () => {
  const route = () => '';
  return { __esModule: true, default: { asUser: jest.fn(), asApp: jest.fn() }, fetch: jest.fn(), route, assumeTrustedRoute: route, webTrigger: { getUrl: jest.fn() } };
});
jest.mock('@forge/kvs', () => ({ kvs: {} }));
jest.mock('@forge/events', () => ({ Queue: jest.fn(), InvocationError: jest.fn(), InvocationErrorCode: { FUNCTION_RETRY_REQUEST: 'FUNCTION_RETRY_REQUEST' } }));

const root = path.resolve(__dirname, '../..');
const manifestText = readFileSync(path.join(root, 'manifest.yml'), 'utf8');

describe('manifest.yml', () => {
  it('passes Forge manifest validation without errors', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await validate(false, 'manifest.yml');
      const errors = (result.errors ?? []).filter((e) => e.level === 'error').map((e) => e.message);
      expect(errors).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('declares the contract keys', () => {
    for (const needle of [
      'key: testsigma-links', 'key: testsigma-settings', 'useAsConfig: true', 'key: execution-results', 'type: dynamic',
      'key: xray-sync-consumer', 'queue: xray-sync', 'avi:jira:deleted:issue', 'handler: index.panelResolver',
      'handler: index.adminResolver', 'handler: index.webtrigger', 'handler: index.sync', 'timeoutSeconds: 900',
      'name: nodejs22.x', '- storage:app', '- read:jira-work', '- write:jira-work', 'https://xray.cloud.getxray.app',
      'https://us.xray.cloud.getxray.app', 'https://eu.xray.cloud.getxray.app', 'https://au.xray.cloud.getxray.app',
      'https://app.testsigma.com',
    ]) {
      expect(manifestText).toContain(needle);
    }
  });

  it('names only handlers that src/index.ts exports as functions', () => {
    const index = require('../../src/index') as Record<string, unknown>;
    const handlers = [...manifestText.matchAll(/handler: index\.(\w+)/g)].map((m) => m[1]!);
    expect(handlers.length).toBeGreaterThanOrEqual(5);
    for (const h of handlers) expect({ h, type: typeof index[h] }).toEqual({ h, type: 'function' });
  });
});

/** The parts of the parsed manifest these tests read. */
interface ParsedManifest {
  modules: Record<string, Array<Record<string, unknown> & { key: string; resource?: string; function?: string; events?: string[] }>>;
  resources: Array<{ key: string; path: string }>;
  app: { runtime: { name: string } };
  permissions: { scopes: string[]; external: { fetch: { backend: unknown[] } } };
}

describe('manifest.yml: the structure of contract section 1', () => {
  async function parsed(): Promise<ParsedManifest> {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await validate(false, 'manifest.yml');
      return (result.manifestObject as { typedContent: unknown }).typedContent as ParsedManifest;
    } finally {
      process.chdir(cwd);
    }
  }

  it('wires each module to its key, resolver, queue and function as the contract fixes them', async () => {
    const m = await parsed();
    const modules = m.modules;
    expect(modules['jira:issuePanel']).toEqual([
      expect.objectContaining({
        key: 'testsigma-links',
        render: 'native',
        resolver: { function: 'panel-resolver' },
        displayConditions: { issueType: ['Test', 'Test Set', 'Test Plan'] },
      }),
    ]);
    // The summary on the issue's right side: the panel's resolver and display conditions, a static label, no status.
    expect(modules['jira:issueContext']).toEqual([
      expect.objectContaining({
        key: 'testsigma-summary',
        render: 'native',
        resolver: { function: 'panel-resolver' },
        displayConditions: { issueType: ['Test', 'Test Set', 'Test Plan'] },
      }),
    ]);
    expect(modules['jira:issueContext']![0]).not.toHaveProperty('status');
    expect(modules['jira:adminPage']).toEqual([
      expect.objectContaining({ key: 'testsigma-settings', render: 'native', useAsConfig: true, resolver: { function: 'admin-resolver' } }),
    ]);
    expect(modules.webtrigger).toEqual([expect.objectContaining({ key: 'execution-results', function: 'webtrigger', response: { type: 'dynamic' } })]);
    expect(modules.consumer).toEqual([expect.objectContaining({ key: 'xray-sync-consumer', queue: 'xray-sync', function: 'sync' })]);
    const trigger = modules.trigger!;
    expect(trigger).toHaveLength(1);
    expect(trigger[0]!.events).toEqual(['avi:jira:deleted:issue']);
    const functions = Object.fromEntries(modules.function!.map((f) => [f.key, f]));
    expect(functions['panel-resolver']!.handler).toBe('index.panelResolver');
    expect(functions['admin-resolver']!.handler).toBe('index.adminResolver');
    expect(functions['webtrigger']!.handler).toBe('index.webtrigger');
    expect(functions['sync']).toEqual(expect.objectContaining({ handler: 'index.sync', timeoutSeconds: 900 }));
    expect(functions[trigger[0]!.function!]).toBeDefined();
    // Section 8: the pick-up runs every 5 minutes (the platform's most frequent schedule).
    expect(modules.scheduledTrigger).toEqual([{ key: 'testsigma-pickup', function: 'pickup', interval: 'fiveMinute' }]);
    expect(functions['pickup']).toEqual(expect.objectContaining({ handler: 'index.pickup' }));
    // The panel's and admin page's resources are their UI Kit entry files.
    const resources = Object.fromEntries(m.resources.map((r) => [r.key, r.path]));
    expect(resources[modules['jira:issuePanel']![0]!.resource!]).toBe('src/frontend/panel/index.tsx');
    expect(resources[modules['jira:adminPage']![0]!.resource!]).toBe('src/frontend/admin/index.tsx');
    expect(resources[modules['jira:issueContext']![0]!.resource!]).toBe('src/frontend/summary/index.tsx');
  });

  it('asks for exactly the scopes and egress the contract allows, on nodejs22.x', async () => {
    const m = await parsed();
    expect(m.app.runtime.name).toBe('nodejs22.x');
    // Every added scope makes each site's admin consent again: only what a call needs.
    expect([...m.permissions.scopes].sort()).toEqual(['read:jira-work', 'storage:app', 'write:jira-work']);
    expect(m.permissions.external.fetch.backend).toEqual([
      { address: 'https://xray.cloud.getxray.app' },
      { address: 'https://us.xray.cloud.getxray.app' },
      { address: 'https://eu.xray.cloud.getxray.app' },
      { address: 'https://au.xray.cloud.getxray.app' },
      { address: 'https://app.testsigma.com' },
    ]);
  });

  it('allows egress to exactly the Xray regions and Testsigma hosts the code may call, so saveSettings and the manifest agree', async () => {
    const m = await parsed();
    const backend = (m.permissions.external.fetch.backend as Array<{ address: string }>).map((e) => e.address);
    expect(backend).toEqual([...Object.values(XRAY_BASE_URLS), ...TESTSIGMA_HOSTS.map((host) => `https://${host}`)]);
  });
});
