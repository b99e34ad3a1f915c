/* eslint-disable @typescript-eslint/no-require-imports -- a plain Node script, run before anything is compiled */
// `npm run forge:check`: what `forge deploy` and `forge lint` would say of this app, offline.
// 1. Installs Forge's own packages into this folder from its lockfile (`npm ci --ignore-scripts`: keytar's install
//    script needs the internet), once per lockfile.
// 2. Runs check-app.cjs on the app: manifest validation, forge lint, the backend and UI Kit bundles; must pass.
// 3. Runs it on fixtures/refused-app, which Forge must refuse (noEmit); the check fails if that run passes, so a
//    check that only logs cannot pass for ever.
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const here = __dirname;
const appDir = path.resolve(here, '../..');
const refusedDir = path.join(here, 'fixtures', 'refused-app');
/** What Forge's bundler says when a tsconfig keeps TypeScript from emitting: the refusal the fixture must meet. */
const EXPECTED_REFUSAL = 'TypeScript emitted no output';

const started = Date.now();
// Forge's bundlers write into the system's temp folder and leave it behind when a build fails: give the checks one of
// their own and remove it at the end.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'forge-check-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function fail(message) {
  console.error(`\nforge:check FAILED: ${message}`);
  process.exit(1);
}

function install() {
  const lock = readFileSync(path.join(here, 'package-lock.json'));
  const stamp = path.join(here, 'node_modules', '.forge-check-lock');
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log('Forge packages: installed (tools/forge-check/node_modules matches its package-lock.json)');
    return;
  }
  const t = Date.now();
  console.log('Forge packages: npm ci --ignore-scripts in tools/forge-check');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) fail('npm ci of the Forge packages failed (see above); the npm registry must be reachable');
  writeFileSync(stamp, hash);
  console.log(`Forge packages: installed in ${seconds(t)}`);
}

/** Runs check-app.cjs on one app, printing as it goes; answers its exit status and everything it printed. */
function checkApp(dir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, 'check-app.cjs'), dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: scratch },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d, process.stdout.write(d)));
    child.stderr.on('data', (d) => (output += d, process.stderr.write(d)));
    child.on('close', (status) => resolve({ status, output }));
  });
}

async function main() {
  install();

  console.log('\n== The app: Forge must accept it ==');
  const app = await checkApp(appDir);
  if (app.status !== 0) fail('Forge would refuse this app (see above)');

  console.log('\n== fixtures/refused-app: Forge must refuse it ==');
  const refused = await checkApp(refusedDir);
  if (refused.status === 0) fail('the refused-app fixture passed: the check no longer catches what forge deploy refuses');
  if (!refused.output.includes(EXPECTED_REFUSAL)) {
    fail(`the refused-app fixture failed, but not with "${EXPECTED_REFUSAL}": the check broke somewhere else (see above)`);
  }
  console.log(`  refused as it should be ("${EXPECTED_REFUSAL}")`);

  console.log(`\nforge:check passed in ${seconds(started)}`);
}

void main();
