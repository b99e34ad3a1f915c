/**
 * `npm run screenshots`: a PNG of every preview state (site x viewer x page), and of each admin tab and a job's
 * detail on the set-up site, in preview-screenshots/ (git-ignored), for reviewers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from './browser-launch';
import { allStates, startPreview, stateName } from './server';

const OUT = path.resolve(__dirname, '..', '..', 'preview-screenshots');
// The admin page's tabs after the first, by position (their names change with the language), and the file names.
const ADMIN_TABS = ['mapping', 'web-trigger', 'sync-log'];

async function main(): Promise<number> {
  fs.mkdirSync(OUT, { recursive: true });
  const [browser, preview] = await Promise.all([launchBrowser(), startPreview()]);
  const problems: string[] = [];
  let shots = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const shoot = async (name: string) => {
      await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
      shots += 1;
      const frame = page.frames().find((f) => f.url().includes('/preview/frame'));
      const errors = frame ? await frame.evaluate(() => (window as unknown as { __previewErrors?: string[] }).__previewErrors ?? []) : ['no app frame'];
      for (const e of errors) problems.push(`${name}: ${e}`);
    };
    // `npm run screenshots -- ready fresh` shoots those sites only.
    const only = process.argv.slice(2);
    for (const state of allStates().filter((s) => only.length === 0 || only.includes(s.site))) {
      await page.goto(preview.urlOf(state));
      const app = page.frameLocator('iframe');
      await app.locator('#app > *').first().waitFor();
      await app.locator('[aria-label^="Loading"]').first().waitFor({ state: 'detached', timeout: 60_000 });
      // Let the frame take its content's height and users' names arrive.
      await page.waitForTimeout(300);
      await shoot(stateName(state));
      if (state.page === 'admin' && state.as === 'admin' && state.site === 'ready') {
        for (const [i, tab] of ADMIN_TABS.entries()) {
          await app.getByRole('tab').nth(i + 1).click();
          await app.locator('[aria-label^="Loading"]').first().waitFor({ state: 'detached', timeout: 60_000 });
          await page.waitForTimeout(300);
          await shoot(`${stateName(state)}--${tab}`);
        }
        // The sync log with one job's detail open (its button is the first of each row).
        await app.getByRole('row').nth(1).getByRole('button').first().click();
        await page.waitForTimeout(300);
        await shoot(`${stateName(state)}--sync-log-detail`);
      }
      process.stdout.write('.');
    }
  } finally {
    await browser.close();
    await preview.close();
  }
  console.log(`\n${shots} screenshots in ${path.relative(process.cwd(), OUT)}/`);
  for (const p of problems) console.error(`refused: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(2);
  },
);
