/**
 * Errors in the panel, in Chromium (issue 12 item 2): a failure a second try can cure (Jira answering 429, Jira
 * failing with a 500) shows a titled message with "Try again" as its action, and trying again once Jira recovers
 * brings the panel back; a refusal no retry cures offers none. The faults are the Jira emulator's documented answers,
 * set on the preview site's own emulator for one issue and cleared after each test.
 */
import { previewErrors, useHarness } from './browser';
import type { PreviewSite } from '../../sandbox/preview/sites';

jest.setTimeout(90_000);

const h = useHarness();
let site: PreviewSite;
beforeAll(async () => {
  site = await h.preview.site('ready');
});
afterEach(() => {
  site.sb.jira.faults.rateLimited.clear();
  site.sb.jira.faults.serverErrors.clear();
});

describe('panel errors in the browser', () => {
  it.each([
    ['Jira answers 429', 'rateLimited', 'Busy right now', /Jira is busy/],
    ['Jira fails with a 500', 'serverErrors', 'Something went wrong', /Something went wrong in the Testsigma app/],
  ] as const)('%s on Refresh: a titled message with Try again, which brings the panel back once Jira recovers', async (_what, fault, title, text) => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    const issue = site.issues['test-unnamed'];
    site.sb.jira.faults[fault].add(issue.id);
    await app.getByRole('button', { name: 'Refresh' }).click();
    const message = app.getByRole('region').filter({ hasText: title }).or(app.locator('section').filter({ hasText: title })).first();
    await message.waitFor();
    expect(await message.innerText()).toMatch(text);
    const retry = message.getByRole('button', { name: 'Try again' });
    await expect(retry.count()).resolves.toBe(1);

    site.sb.jira.faults[fault].clear();
    await retry.click();
    await message.waitFor({ state: 'detached' });
    await expect(app.getByRole('button', { name: '+ Link test case' }).count()).resolves.toBe(1);
    expect(await previewErrors(page)).toEqual([]);
  });

  it('a refusal no retry cures (an id that is not one) has a title and no Try again', async () => {
    const { page, app } = await h.open({ site: 'ready', as: 'editor', page: 'test-unnamed' });
    await app.getByRole('button', { name: '+ Link test case' }).click();
    await app.getByRole('textbox', { name: /Testsigma test case ids or URLs/ }).fill('not-an-id');
    await app.getByRole('button', { name: 'Link', exact: true }).click();
    await app.getByText('not-an-id', { exact: false }).first().waitFor();
    const message = app.getByRole('region').filter({ hasText: 'not-an-id' }).or(app.locator('section').filter({ hasText: 'not-an-id' })).first();
    expect(await message.innerText()).toMatch(/^This one could not be linked\s+not-an-id: .*neither a Testsigma id/s);
    await expect(app.getByRole('button', { name: 'Try again' }).count()).resolves.toBe(0);
    expect(await previewErrors(page)).toEqual([]);
  });
});
