/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS script: Forge's bundler needs require.main */
// Checks one Forge app folder (argv[2]) with Forge's own packages, offline, as `forge deploy` and `forge lint` would:
// validates the manifest (@forge/manifest of this folder and of the app), lints the app (@forge/lint), bundles the
// backend (`getNodeBundler`) and every UI Kit resource the manifest names (`NativeUIBundler`), loads the bundled
// backend in a child process and finds each handler. Exits non-zero on the first thing Forge would refuse.
// The packages are those @forge/cli 13.3.0 pins (see package.json here); their signatures were read in their own
// out/*.d.ts files, since none of this is public API documented on developer.atlassian.com.
// CommonJS, not a module: Forge's bundler needs `require.main` (it resolves its loaders from there).
const { createRequire } = require('node:module');
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const path = require('node:path');

/**
 * A UI Kit resource whose entry script (`<key>.js`, what its frame loads first) passes this many bytes fails the
 * check: Forge loads it into the issue view each time it opens.
 */
const UI_BUNDLE_LIMIT_BYTES = 300 * 1024;

const forgeRequire = createRequire(path.join(__dirname, 'package.json'));
const appDir = path.resolve(process.argv[2] ?? '.');
const appRequire = createRequire(path.join(appDir, 'package.json'));

const { ConfigFile, FileSystemReader, FileSystemWriter, listGitIgnoreFiles } = forgeRequire('@forge/cli-shared');
const { getNodeBundler, NativeUIBundler, getEntryPoints } = forgeRequire('@forge/bundler');
const { lint, getClientSideLintersOnly, PermissionLinter, problemCount, reportLintResults } = forgeRequire('@forge/lint');

class CheckFailed extends Error {}

/** The bundlers' output folders (under the system's temp folder), removed when the check ends. */
const made = [];
process.on('exit', () => {
  if (!process.env.FORGE_CHECK_KEEP) for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Forge's logger interface, printing what the packages say (debug only with FORGE_CHECK_DEBUG=1). */
const logger = {
  info: (m) => console.log(`    ${m}`),
  warn: (m) => console.log(`    warning: ${m}`),
  error: (m) => console.log(`    error: ${m}`),
  debug: (m) => { if (process.env.FORGE_CHECK_DEBUG) console.log(`    debug: ${m}`); },
  trace: () => {},
};

// The CLI asks Statsig (over the internet) for feature gates; offline it gets what the CLI's own StatsigService
// answers when Statsig gives nothing (no runtime loader, no TypeScript bundler, no deprecated runtimes).
const offlineStatsig = {
  testForgeCliBundleRuntimeLoaderGate: async () => false,
  isTypescriptBundlerEnabled: async () => false,
  getDeprecatedRuntimes: async () => [],
};

// `forge deploy` downloads Forge's runtime wrapper from Atlassian's CDN and puts it beside the bundle; it is not the
// app's code, so offline a placeholder stands in for it.
const offlineWrapperProvider = {
  getNodeRuntimeWrapper: async () => ({ script: '// Forge runtime wrapper: fetched from the CDN at deploy\n', source: 'offline', version: 'offline' }),
  getNodeRuntimeLoader: async () => undefined,
};

function sizeOf(dir) {
  if (!existsSync(dir)) return 0;
  const stat = statSync(dir);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(dir).reduce((sum, name) => sum + sizeOf(path.join(dir, name)), 0);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`;

async function step(name, run) {
  const started = Date.now();
  console.log(`  ${name}`);
  const result = await run();
  console.log(`    ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function validateManifest(label, requireFrom) {
  const { validate } = requireFrom('@forge/manifest');
  // The package's `exports` hide its package.json; its folder is the one above its entry file's `out/`.
  const entry = requireFrom.resolve('@forge/manifest');
  const pkgDir = entry.slice(0, entry.lastIndexOf(`${path.sep}out${path.sep}`));
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const result = await validate(false, 'manifest.yml');
  const errors = (result.errors ?? []).filter((e) => e.level === 'error');
  for (const e of result.errors ?? []) console.log(`    ${e.level}: ${e.message}`);
  if (!result.success || errors.length > 0) {
    throw new CheckFailed(`@forge/manifest ${version} (${label}) refused manifest.yml: ${errors.map((e) => e.message).join('; ') || 'invalid'}`);
  }
  console.log(`    @forge/manifest ${version} (${label}) accepts manifest.yml`);
}

async function lintApp(configFile, manifest) {
  const reader = new FileSystemReader();
  const exclude = [...(await listGitIgnoreFiles(reader)), '.git', 'node_modules'];
  const uiDirs = (await configFile.getResources(['nativeUI'])).map((r) => path.dirname(r.path));
  const files = [...new Set((await Promise.all(['./src', ...uiDirs].map((d) => reader.recursiveReadDir(d, exclude)))).flat())];
  const linters = (await getClientSideLintersOnly(manifest, 'development', logger, offlineStatsig))
    .filter((linter) => !(linter instanceof PermissionLinter));
  console.log('    left out: the scope rule (PermissionLinter), which downloads Atlassian\'s REST API specs from the internet');
  const { parseSourceFile } = forgeRequire('@forge/lint');
  const parsed = new Set();
  const results = await lint(files, manifest, 'development', logger, offlineStatsig, {
    linter: { mode: 'client-side' },
    linters,
    parseFunction: async (file, parser, read) => {
      parsed.add(file);
      return parseSourceFile(file, parser, read);
    },
  });
  const tsRead = [...parsed].filter((f) => /\.tsx?$/.test(f)).length;
  console.log(`    ${linters.length} of Forge's rules read ${parsed.size} files (${tsRead} TypeScript) of ${files.length} under src/`);
  // `forge lint` picks TypeScript files by tsconfig.json `include` globs; none read means it looked at nothing.
  if (tsRead === 0) throw new CheckFailed('forge lint read no TypeScript file: tsconfig.json `include` must glob them (e.g. "src/**/*")');
  const count = problemCount(results);
  if (count.errors + count.warnings + count.approvals > 0) reportLintResults(logger, results, false);
  if (count.errors > 0) throw new CheckFailed(`forge lint found ${count.errors} error(s)`);
  console.log(`    forge lint: ${count.errors} errors, ${count.warnings} warnings`);
}

async function bundleBackend(configFile) {
  const handlers = await configFile.getAppHandlers();
  const bundler = getNodeBundler(logger, offlineWrapperProvider, configFile, offlineStatsig);
  const output = await bundler.bundle({ appDirectory: appDir, entryPoints: getEntryPoints(handlers) });
  const bytes = readdirSync(output.outputDir).filter((f) => f.endsWith('.cjs') && f !== '__forge__.cjs')
    .reduce((sum, f) => sum + sizeOf(path.join(output.outputDir, f)), 0);
  made.push(output.outputDir);
  console.log(`    backend bundle: ${kb(bytes)} (source map not counted)`);
  return { handlers, outputDir: output.outputDir };
}

function loadBackend({ handlers, outputDir }) {
  const byModule = new Map();
  for (const { module, func } of handlers) byModule.set(module, [...(byModule.get(module) ?? []), func]);
  for (const [module, funcs] of byModule) {
    const file = path.join(outputDir, `${module}.cjs`);
    // A fresh process, far from the app's node_modules, so the bundle proves it carries what it needs.
    const probe = `const m = require(${JSON.stringify(file)}); console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(funcs)}.map((f) => [f, typeof m[f]]))));`;
    let types;
    try {
      types = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: outputDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop());
    } catch (e) {
      throw new CheckFailed(`the bundled ${module}.cjs does not load: ${e.stderr || e.message}`);
    }
    const missing = funcs.filter((f) => types[f] !== 'function');
    if (missing.length > 0) throw new CheckFailed(`the bundled ${module}.cjs has no function ${missing.join(', ')} that manifest.yml names`);
    console.log(`    ${module}.cjs exports ${funcs.map((f) => `${f}()`).join(', ')}`);
  }
}

async function bundleUi(configFile, manifest) {
  const resources = (await configFile.getResources(['nativeUI']));
  if (resources.length === 0) {
    console.log('    no UI Kit resource in manifest.yml');
    return;
  }
  const { nativeUiBundlesDetails } = await new NativeUIBundler(logger).bundleResources(resources, manifest.translations);
  const tooBig = [];
  for (const { key, path: dir } of nativeUiBundlesDetails) {
    made.push(dir);
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.js'));
    const entry = sizeOf(path.join(dir, `${key}.js`));
    const chunks = scripts.filter((f) => f !== `${key}.js`).reduce((sum, f) => sum + sizeOf(path.join(dir, f)), 0);
    console.log(`    UI Kit resource ${key}: ${key}.js ${kb(entry)}, plus ${kb(chunks)} in ${scripts.length - 1} chunk(s) loaded later (source maps not counted)`);
    if (entry === 0) throw new CheckFailed(`UI Kit resource ${key} produced no ${key}.js`);
    if (entry > UI_BUNDLE_LIMIT_BYTES) tooBig.push(`${key}.js is ${kb(entry)}`);
  }
  if (nativeUiBundlesDetails.length !== resources.length) throw new CheckFailed('a UI Kit resource produced no bundle');
  if (tooBig.length > 0) throw new CheckFailed(`UI Kit bundles over ${kb(UI_BUNDLE_LIMIT_BYTES)}: ${tooBig.join('; ')}`);
}

async function main() {
  const started = Date.now();
  console.log(`Forge check of ${appDir}`);
  process.chdir(appDir); // Forge's packages read manifest.yml, tsconfig.json and resources relative to the app
  const configFile = new ConfigFile(new FileSystemReader(), new FileSystemWriter());
  await step('manifest: @forge/manifest validate', async () => {
    await validateManifest('pinned by @forge/cli 13.3.0', forgeRequire);
    await validateManifest("the app's own, resolved from its folder", appRequire);
  });
  const manifest = await configFile.readConfig();
  await step('forge lint (@forge/lint, client-side rules)', () => lintApp(configFile, manifest));
  const backend = await step('backend: @forge/bundler getNodeBundler().bundle', () => bundleBackend(configFile));
  await step('backend: load the bundle and find each handler', () => loadBackend(backend));
  await step('UI Kit: @forge/bundler NativeUIBundler.bundleResources', () => bundleUi(configFile, manifest));
  console.log(`Forge check passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  // Forge's own errors carry the webpack or TypeScript report in their message; the stack is ours, rarely useful.
  const detail = e instanceof CheckFailed || !process.env.FORGE_CHECK_DEBUG ? (e?.message ?? String(e)) : (e?.stack ?? e);
  console.error(`Forge check FAILED: ${detail}`);
  process.exit(1);
});
