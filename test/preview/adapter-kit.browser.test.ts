/**
 * The adapter maps UI Kit's props the way Jira does for components today's frontend does not use yet: Form with
 * useForm (labels, validation, submit), showFlag, Modal, SectionMessage actions, Tooltip, DynamicTable paging, and
 * useProductContext. A fixture entry uses them; the test acts as a user.
 */
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildEntry } from '../../sandbox/preview/build';
import { launchBrowser } from './browser';

jest.setTimeout(90_000);

let browser: Browser;
let page: Page;
beforeAll(async () => {
  let js: string;
  [browser, { js }] = await Promise.all([launchBrowser(), buildEntry({ file: path.join(__dirname, 'fixtures', 'kit-entry.tsx') })]);
  // Reduced motion: Atlaskit's motion then ends an exit at once instead of on a timer a busy machine can outlast.
  page = await browser.newPage({ reducedMotion: 'reduce' });
  const config = { resolver: 'panel', query: '', context: { accountId: 'a', locale: 'de-DE' } };
  await page.setContent(`<div id="app"></div><script>window.__PREVIEW__ = ${JSON.stringify(config)};</script><script>${js.replace(/<\/script/g, '<\\/script')}</script>`);
  await page.getByRole('heading', { name: 'Kit' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
});

describe('UI Kit components through the adapter', () => {
  it('takes the viewer locale from view.getContext', async () => {
    await page.getByText('Locale de-DE').waitFor();
  });

  it('validates and submits a Form built with useForm, then shows a flag', async () => {
    const field = page.getByLabel('Project key');
    await field.fill('shop');
    await page.getByRole('button', { name: 'Save form' }).click();
    await page.getByText('Enter a project key in capitals.').waitFor();
    await field.fill('SHOP');
    await page.getByLabel('Note').fill('for the release');
    await page.getByRole('button', { name: 'Save form' }).click();
    const flag = page.getByRole('status').filter({ hasText: 'Saved SHOP' });
    await flag.waitFor();
    await flag.getByRole('button', { name: 'Dismiss' }).click();
    await flag.waitFor({ state: 'detached' });
    await page.getByText(/Saved SHOP now/).waitFor();
    await expect(page.getByText('Enter a project key in capitals.').count()).resolves.toBe(0);
  });

  it('opens a Modal from a SectionMessage action and closes it', async () => {
    await page.getByRole('button', { name: 'Open details' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Everything about the job.').waitFor();
    await expect(dialog.getByRole('heading', { name: 'Job detail' }).count()).resolves.toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a Tooltip on hover', async () => {
    await page.getByRole('button', { name: 'Details', exact: true }).hover();
    await page.getByRole('tooltip').filter({ hasText: 'Shows the job' }).waitFor();
  });

  it('pages a DynamicTable', async () => {
    await page.getByRole('cell', { name: 'Row 5', exact: true }).waitFor();
    await expect(page.getByRole('cell', { name: 'Row 6', exact: true }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: /^(page )?2$/i }).click();
    await page.getByRole('cell', { name: 'Row 6', exact: true }).waitFor();
    await page.getByText('Nothing here').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __previewErrors: string[] }).__previewErrors)).toEqual([]);
  });
});
