/**
 * Translations reach the app in the preview as in Jira: @forge/react's I18nProvider takes the viewer's locale from
 * view.getContext and fetches ./__LOCALES__/ (served from the manifest's translations, or locales/); an app without
 * translations gets each key's default.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildEntry } from '../../sandbox/preview/build';
import { localeAnswer } from '../../sandbox/preview/server';
import { launchBrowser } from './browser';

jest.setTimeout(90_000);

let browser: Browser;
let page: Page;
let js: string;
let root: string;
beforeAll(async () => {
  [browser, { js }] = await Promise.all([launchBrowser(), buildEntry({ file: path.join(__dirname, 'fixtures', 'i18n-entry.tsx') })]);
  // Reduced motion: Atlaskit's motion then ends an exit at once instead of on a timer a busy machine can outlast.
  page = await browser.newPage({ reducedMotion: 'reduce' });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'preview-i18n-'));
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Opens the fixture as a frame of an app whose files are in `root`, for a viewer in `locale`. */
async function show(locale: string): Promise<string> {
  await page.unroute('**');
  await page.route('http://preview.test/**', async (route) => {
    const url = new URL(route.request().url());
    const m = /^\/__LOCALES__\/(.+)\.json$/.exec(url.pathname);
    if (m) {
      const answer = localeAnswer(m[1]!, root);
      return route.fulfill({ status: answer.status, contentType: 'application/json', body: answer.body });
    }
    const config = { resolver: 'panel', query: '', context: { accountId: 'a', locale } };
    return route.fulfill({
      contentType: 'text/html',
      body: `<div id="app"></div><script>window.__PREVIEW__ = ${JSON.stringify(config)};</script><script>${js.replace(/<\/script/g, '<\\/script')}</script>`,
    });
  });
  await page.goto('http://preview.test/frame');
  await page.getByText(/^ready: /).waitFor({ timeout: 3000 }).catch(() => undefined);
  return page.locator('#app').innerText();
}

describe('translations in the preview', () => {
  it('uses the manifest translations in the viewer locale, falling back as the manifest says', async () => {
    fs.writeFileSync(
      path.join(root, 'manifest.yml'),
      'translations:\n  resources:\n    - key: en-US\n      path: locales/en-US.json\n    - key: de-DE\n      path: locales/de-DE.json\n  fallback:\n    default: en-US\n',
    );
    fs.mkdirSync(path.join(root, 'locales'), { recursive: true });
    fs.writeFileSync(path.join(root, 'locales', 'en-US.json'), JSON.stringify({ panel: { greeting: 'Hello' } }));
    fs.writeFileSync(path.join(root, 'locales', 'de-DE.json'), JSON.stringify({ panel: { greeting: 'Hallo' } }));
    expect(await show('de-DE')).toBe('ready: Hallo');
    expect(await show('fr-FR')).toBe('ready: Hello');
  });

  // As in Forge: the provider never becomes ready (its fetch of i18n-info.json fails), and t answers the default.
  it('gives each key its default when the app has no translations', async () => {
    fs.rmSync(path.join(root, 'locales'), { recursive: true, force: true });
    fs.writeFileSync(path.join(root, 'manifest.yml'), 'modules: {}\n');
    await expect(show('de-DE')).resolves.toBe('not ready: Hello (default)');
  });
});
