// Builds `cli/dist/xts.cjs`: the whole CLI (its lib, the app's src/domain pieces it shares, zod and fast-xml-parser)
// as one CommonJS file for Node 18+, with no runtime dependency. Deterministic: no timestamps, no absolute paths,
// no source map, so a fresh build of the same sources is byte for byte the committed file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Options of the bundle; the freshness test builds with the same ones. */
export const options = {
  entryPoints: [path.join(here, 'xts.ts')],
  absWorkingDir: path.join(here, '..'),
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
  banner: { js: '#!/usr/bin/env node\n// xts, built by `npm run build:cli` from cli/ (do not edit: edit the sources and rebuild).' },
};

/** Builds into memory and answers the file's text. */
export async function buildText() {
  const result = await build({ ...options, write: false, outfile: path.join(here, 'dist', 'xts.cjs') });
  return result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--print')) {
  // For the freshness test: the build's text on stdout, nothing written.
  process.stdout.write(await buildText());
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { mkdirSync, writeFileSync, chmodSync } = await import('node:fs');
  const out = path.join(here, 'dist', 'xts.cjs');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, await buildText());
  chmodSync(out, 0o755);
  console.log(`built ${path.relative(process.cwd(), out)}`);
}
