import { validate } from '@forge/manifest';
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
      'name: nodejs22.x', '- storage:app', '- read:jira-work', 'https://xray.cloud.getxray.app',
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
