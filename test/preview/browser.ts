/**
 * The browser for the preview tests: the Chromium that @sparticuz/chromium ships inside its npm package, driven by
 * playwright-core (Playwright's own browser download cannot run here). One browser per test file.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { startPreview, type Preview, type PreviewState } from '../../sandbox/preview/server';

/**
 * Where @sparticuz/chromium unpacked its browser, and the flags it wants. The package is ES modules only, which jest's
 * CommonJS runtime cannot load, so a short node process asks it.
 */
function sparticuz(): { executablePath: string; args: string[] } {
  const script = "import c from '@sparticuz/chromium'; process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args }));";
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname, encoding: 'utf8' })) as {
    executablePath: string;
    args: string[];
  };
}

/** Launches headless Chromium with the flags a closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  const chrome = sparticuz();
  return chromium.launch({
    executablePath: chrome.executablePath,
    args: [
      ...chrome.args,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    headless: true,
  });
}

/** A browser and a preview server for one test file. */
export interface PreviewHarness {
  browser: Browser;
  preview: Preview;
  /** Opens a state in a new page and waits until the app has drawn something other than its spinner. */
  open(state: PreviewState): Promise<{ page: Page; app: FrameLocator }>;
  close(): Promise<void>;
}

/** Starts both; call `close` in afterAll. */
export async function startHarness(): Promise<PreviewHarness> {
  const [browser, preview] = await Promise.all([launchBrowser(), startPreview()]);
  const pages: Page[] = [];
  return {
    browser,
    preview,
    async open(state) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      pages.push(page);
      await page.goto(preview.urlOf(state));
      const app = page.frameLocator('iframe[title="Testsigma links for Xray"]');
      // The app's first screen is a spinner labelled "Loading ..." while it loads; wait until it is gone.
      await app.locator('#app > *').first().waitFor();
      await app.locator('[aria-label^="Loading"]').first().waitFor({ state: 'detached', timeout: 20_000 });
      return { page, app };
    },
    async close() {
      await Promise.allSettled(pages.map((p) => p.close()));
      await browser.close();
      await preview.close();
    },
  };
}

/** Errors the preview refused in a page (unknown props, missing bridge commands, uncaught errors). */
export async function previewErrors(page: Page): Promise<string[]> {
  const frame = page.frames().find((f) => f.url().includes('/preview/frame'));
  return frame ? frame.evaluate(() => (window as unknown as { __previewErrors?: string[] }).__previewErrors ?? []) : ['no app frame'];
}
