/**
 * Entry point of the `xts` command line (bundled into `cli/dist/xts.cjs` by `npm run build:cli`). All logic lives
 * in `lib/`; this file only wires the real process in.
 */
import { readFile } from 'node:fs/promises';
import { main } from './lib/main';
import { proxyAwareFetch } from './lib/proxy';

export { main } from './lib/main';
export type { MainDeps } from './lib/main';

/** Runs `xts` on this process's argv and streams, and sets its exit code. */
export function runProcess(): void {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    fetch: proxyAwareFetch(process.env, globalThis.fetch),
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: (p) => readFile(p),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    isTTY: process.stdout.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`xts: ${String(err)}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) runProcess();
