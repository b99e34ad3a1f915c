/** The preview tests' harness: one browser and one preview server per test file. */
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser } from '../../sandbox/preview/browser-launch';
import { startPreview, type Preview, type PreviewState } from '../../sandbox/preview/server';

export { launchBrowser };

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
      // Reduced motion: Atlaskit's motion then ends an exit at once instead of on a timer a busy machine can outlast.
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
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

/**
 * A harness for the calling test file: started in its `beforeAll`, closed in its `afterAll`. Call it at the top of
 * the file; the answer is usable inside hooks and tests that run after those.
 */
export function useHarness(): Omit<PreviewHarness, 'close'> {
  let started: PreviewHarness | undefined;
  const get = (): PreviewHarness => {
    if (!started) throw new Error('the preview harness starts in beforeAll: use it inside tests and later hooks');
    return started;
  };
  beforeAll(async () => {
    started = await startHarness();
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get browser() {
      return get().browser;
    },
    get preview() {
      return get().preview;
    },
    open: (state) => get().open(state),
  };
}

/** Errors the preview refused in a page (unknown props, missing bridge commands, uncaught errors). */
export async function previewErrors(page: Page): Promise<string[]> {
  const frame = page.frames().find((f) => f.url().includes('/preview/frame'));
  return frame ? frame.evaluate(() => (window as unknown as { __previewErrors?: string[] }).__previewErrors ?? []) : ['no app frame'];
}
