/**
 * Entry point of the `xts` command line (run with tsx, or through `cli/bin/xts.js`). All logic lives in
 * `lib/`; this file only wires the real process in.
 */
import { readFile } from 'node:fs/promises';
import { main } from './lib/main';

export { main } from './lib/main';
export type { MainDeps } from './lib/main';

/** Runs `xts` on this process's argv and streams, and sets its exit code. */
export function runProcess(): void {
  main({
    argv: process.argv.slice(2),
    env: process.env,
    fetch: globalThis.fetch,
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: (p) => readFile(p),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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

// Run directly (`tsx cli/xts.ts ...`); the bin shim calls runProcess itself.
if (require.main === module) runProcess();
