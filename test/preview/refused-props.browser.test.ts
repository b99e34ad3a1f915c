/**
 * The preview refuses what Jira would: a UI Kit element with a prop its published types do not have, a value outside
 * a prop's closed set, or no value for a required prop shows a clear error in the page (and so fails a browser test).
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildEntry } from '../../sandbox/preview/build';
import { launchBrowser } from './browser';

jest.setTimeout(90_000);

let browser: Browser;
let page: Page;
let js: string;
beforeAll(async () => {
  [browser, { js }] = await Promise.all([launchBrowser(), buildEntry({ file: path.join(__dirname, 'fixtures', 'props-entry.tsx') })]);
  // One page for the file: @sparticuz/chromium runs single-process, where closing the last page ends the browser.
  // Reduced motion: Atlaskit's motion then ends an exit at once instead of on a timer a busy machine can outlast.
  page = await browser.newPage({ reducedMotion: 'reduce' });
});
afterAll(async () => {
  await browser?.close();
});

async function render(props: { button?: object; label?: object }) {
  await page.goto('about:blank');
  const config = { resolver: 'panel', query: '', context: { locale: 'en-US' } };
  await page.setContent(
    `<div id="app"></div><script>window.__PREVIEW__ = ${JSON.stringify(config)}; window.__PROPS__ = ${JSON.stringify(props)};</script><script>${js.replace(/<\/script/g, '<\\/script')}</script>`,
  );
  await page.getByText(/Fixture|refused/).first().waitFor();
  const shown = await page.locator('body').innerText();
  const errors = await page.evaluate(() => (window as unknown as { __previewErrors: string[] }).__previewErrors);
  return { shown, errors };
}

describe('the preview refuses what Jira would', () => {
  it('renders valid props without complaint', async () => {
    const { shown, errors } = await render({});
    expect(errors).toEqual([]);
    expect(shown).toContain('Go');
  });

  it('refuses a prop UI Kit does not have, naming it', async () => {
    const { shown, errors } = await render({ button: { color: 'red' } });
    expect(errors).toEqual([expect.stringContaining('<Button> has no prop "color" in UI Kit')]);
    expect(shown).toContain('The preview refused this page');
    expect(shown).not.toContain('Go');
  });

  it('refuses a value outside a closed set, listing the allowed ones', async () => {
    const { errors } = await render({ button: { appearance: 'loud' } });
    expect(errors).toEqual([expect.stringMatching(/<Button> prop "appearance" takes one of .*"primary".*, got "loud"/)]);
  });

  it('refuses a wrong-typed or missing required prop', async () => {
    expect((await render({ label: { labelFor: 42 } })).errors).toEqual([expect.stringContaining('<Label> prop "labelFor" takes string, got number 42')]);
    expect((await render({ label: { labelFor: null } })).errors).toEqual([expect.stringContaining('<Label> needs the prop "labelFor"')]);
  });
});
