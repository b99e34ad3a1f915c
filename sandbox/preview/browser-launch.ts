/**
 * The preview's browser: the Chromium that @sparticuz/chromium ships inside its npm package, driven by playwright-core
 * (Playwright's own browser download cannot run here). Used by the browser tests and `npm run screenshots`.
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

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

