/**
 * Bundles the app's real `src/frontend` entries for the browser: `@forge/react` is replaced by the preview's adapter
 * (UI Kit components drawn with Atlaskit), `@forge/bridge` stays the real package and talks to the page's bridge.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { readPropSchema, type PropSchema } from './prop-schema';

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(__dirname, '.cache');

/** The UI Kit entries the manifest names, by resolver. */
export const ENTRIES = {
  panel: path.join(ROOT, 'src', 'frontend', 'panel', 'index.tsx'),
  admin: path.join(ROOT, 'src', 'frontend', 'admin', 'index.tsx'),
  summary: path.join(ROOT, 'src', 'frontend', 'summary', 'index.tsx'),
} as const;
export type EntryName = keyof typeof ENTRIES;

/** A built entry. */
export interface Bundle {
  js: string;
  /** Atlaskit's compiled CSS the bundle imports. */
  css: string;
  /** What the bundle exports and imports, for the coverage test. */
  metafile: esbuild.Metafile;
}

function versionOf(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The prop schema, read from the types once per `@forge/react` version and kept in a git-ignored cache. */
export function propSchema(): PropSchema {
  const file = path.join(CACHE, `prop-schema-${versionOf('@forge/react')}-${versionOf('@atlaskit/forge-react-types')}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as PropSchema;
  const schema = readPropSchema(ROOT);
  fs.mkdirSync(CACHE, { recursive: true });
  // Written whole then renamed: test files in parallel workers may read it while another writes it.
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(schema));
  fs.renameSync(partial, file);
  return schema;
}

const adapterPath = path.join(__dirname, 'adapter', 'forge-react.tsx');
const originalForgeReact = path.join(ROOT, 'node_modules', '@forge', 'react', 'out', 'index.js');

function previewPlugin(entryFile: string, schema: PropSchema): esbuild.Plugin {
  return {
    name: 'forge-preview',
    setup(build) {
      build.onResolve({ filter: /^preview-entry$/ }, () => ({ path: 'entry', namespace: 'preview-entry' }));
      build.onLoad({ filter: /.*/, namespace: 'preview-entry' }, () => ({
        // The bridge first: @forge/bridge looks it up when its modules load.
        contents: `import ${JSON.stringify(path.join(__dirname, 'page', 'page-bridge.ts'))};\nimport ${JSON.stringify(entryFile)};\n`,
        resolveDir: ROOT,
        loader: 'ts',
      }));
      build.onResolve({ filter: /^@forge\/react$/ }, () => ({ path: adapterPath }));
      build.onResolve({ filter: /^preview:forge-react-original$/ }, () => ({ path: originalForgeReact }));
      build.onResolve({ filter: /^preview:prop-schema$/ }, () => ({ path: 'prop-schema', namespace: 'preview-schema' }));
      build.onLoad({ filter: /.*/, namespace: 'preview-schema' }, () => ({ contents: JSON.stringify(schema), loader: 'json' }));
      // Atlaskit's portal appends its container while rendering and removes it when its effect is cleaned up, so
      // StrictMode's simulated unmount and remount (the app's entries use StrictMode; the preview runs React in
      // development) leaves every Modal detached: opened, it vanished at once. Re-append it when the effect runs.
      // Jira draws UI Kit Modals in its own page, where this does not arise.
      build.onLoad({ filter: /@atlaskit[\\/]portal[\\/]dist[\\/]esm[\\/]internal[\\/]components[\\/]internal-portal\.js$/ }, (args) => {
        const source = fs.readFileSync(args.path, 'utf8');
        const patched = source.replace('useEffect(function () {\n    return function () {', 'useEffect(function () {\n    appendPortalContainerIfNotAppended(container);\n    return function () {');
        if (patched === source) throw new Error(`preview: @atlaskit/portal changed; the StrictMode fix in build.ts no longer applies to ${args.path}`);
        return { contents: patched, loader: 'js' };
      });
    },
  };
}

/** Bundles one entry (a few seconds: Atlaskit is large); tests may pass the path of a UI Kit entry of their own. */
export async function buildEntry(entry: EntryName | { file: string }): Promise<Bundle> {
  const entryFile = typeof entry === 'string' ? ENTRIES[entry] : entry.file;
  const schema = propSchema();
  const result = await esbuild.build({
    entryPoints: ['preview-entry'],
    bundle: true,
    write: false,
    outdir: path.join(CACHE, 'out'),
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    metafile: true,
    minify: false,
    sourcemap: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
    absWorkingDir: ROOT,
    tsconfigRaw: { compilerOptions: { jsx: 'react-jsx' } },
    plugins: [previewPlugin(entryFile, schema)],
  });
  const out = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: out('.js'), css: out('.css'), metafile: result.metafile };
}
