/**
 * The CI recipes as they are written, run against the sandbox over loopback HTTP: the GitHub Action's `runs` steps
 * (action.yml) as a shell script with GitHub's expressions filled in, the README's GitLab job's script lines with a
 * packed xts, and the README's curl + openssl script. Nothing goes through GitHub or GitLab themselves.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startSandbox, type Sandbox } from '../../sandbox/host';
import { seedDemo, type DemoSite } from '../../sandbox/demo';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced block right after `<!-- recipe: name -->` in the README: the text users copy. */
function recipe(name: string): string {
  const m = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(README);
  if (!m) throw new Error(`README.md has no block after <!-- recipe: ${name} -->`);
  return m[1] as string;
}

async function shell(cmd: string[], script: string, cwd: string, env: Record<string, string>) {
  try {
    const r = await run(cmd[0] as string, [...cmd.slice(1), script], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A JUnit report naming its Testsigma cases in the test names (`TC-601 ...`), or with testsigma_id properties. */
const junit = (ids: string[], by: 'name' | 'property' = 'name') => `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="shop" tests="${ids.length}" failures="1" time="2.0" timestamp="2026-11-25T10:00:00Z">
${ids
  .map((id, i) => {
    const tag = by === 'name' ? '' : `<properties><property name="testsigma_id" value="${id}"/></properties>`;
    const failure = i === 1 ? '<failure message="expected 200">at Checkout.java:12</failure>' : '';
    return `  <testcase classname="shop.Checkout" name="${by === 'name' ? `TC-${id} ` : ''}step ${i}" time="0.5">${tag}${failure}</testcase>`;
  })
  .join('\n')}
  <testcase classname="shop.Checkout" name="untagged" time="0.1"/>
</testsuite>
`;

let sb: Sandbox;
let demo: DemoSite;
beforeEach(async () => {
  sb = await startSandbox({ xrayDataRegion: 'eu', queueMsPerSecond: 2 });
  demo = await seedDemo(sb);
});
afterEach(async () => {
  // Every recipe signs a GET over its query (contract section 8): the app logged no GET signed the old way.
  const lines = (sb.deps.log as unknown as { lines: string[] }).lines;
  expect(lines.filter((l) => l.includes('signed the old way'))).toEqual([]);
  await sb.close();
});

const statuses = () => Object.fromEntries(sb.world.listTestExecutions().flatMap((e) => e.runs.map((r) => [r.testKey, r.status])));

describe('the GitHub Action (action.yml, composite)', () => {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean; default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Array<{ id?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string> }> };
  };

  /** Runs every `run` step as GitHub would (bash -eo pipefail on the runner), with ${{ }} expressions filled in. */
  async function runAction(inputs: Record<string, string>, cwd: string) {
    for (const [name, spec] of Object.entries(action.inputs)) if (spec.required && !(name in inputs)) throw new Error(`input ${name} is required`);
    for (const name of Object.keys(inputs)) expect(Object.keys(action.inputs)).toContain(name);
    const context: Record<string, string> = {
      'github.action_path': ROOT,
      'github.event.repository.name': 'shop',
      'github.run_id': '4711',
      'github.run_attempt': '1',
    };
    const value = (expr: string) => {
      const e = expr.trim();
      if (e.startsWith('inputs.')) return inputs[e.slice(7)] ?? action.inputs[e.slice(7)]?.default ?? '';
      if (e in context) return context[e] as string;
      throw new Error(`action.yml uses an expression this test does not know: ${e}`);
    };
    const fill = (s: string) => s.replace(/\$\{\{([^}]*)\}\}/g, (_, e: string) => value(e));
    const outputFile = path.join(cwd, 'github-output');
    writeFileSync(outputFile, '');
    expect(action.runs.using).toBe('composite');
    let result = { code: 0, stdout: '', stderr: '' };
    for (const step of action.runs.steps) {
      expect(step.uses).toBeUndefined(); // nothing to fetch: the Action runs the committed file with the runner's node
      expect(step.shell).toBe('bash');
      expect(step.run).not.toMatch(/\$\{\{/); // inputs reach the script only through env
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(v)]));
      result = await shell(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c'], step.run!, cwd, { ...env, GITHUB_OUTPUT: outputFile });
      if (result.code !== 0) break;
    }
    const stepOutputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const outputs = Object.fromEntries(
      Object.entries(action.outputs).map(([k, o]) => [k, o.value.replace(/\$\{\{\s*steps\.xts\.outputs\.([\w-]+)\s*\}\}/, (_, name: string) => stepOutputs[name] ?? '')]),
    );
    return { ...result, outputs };
  }

  it('sends a JUnit report, waits, and sets job-id, state and test-execution-key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-action-'));
    mkdirSync(path.join(dir, 'reports'));
    writeFileSync(path.join(dir, 'reports', 'junit.xml'), junit(demo.tests.slice(0, 3).map((t) => t.caseId)));
    const r = await runAction({ url: demo.webtrigger.url, secret: demo.webtrigger.secret, file: 'reports/junit.xml', 'id-pattern': 'TC-(\\d+)' }, dir);
    expect(r.code).toBe(0);
    const exec = sb.world.listTestExecutions()[0]!;
    expect(r.outputs).toEqual({ 'job-id': expect.stringMatching(/\S/), state: 'succeeded', 'test-execution-key': exec.key });
    expect(exec.labels.join(' ')).toContain('shop-4711-1'); // the default run id
    expect(statuses()).toEqual({ [demo.tests[0]!.key]: 'PASSED', [demo.tests[1]!.key]: 'FAILED', [demo.tests[2]!.key]: 'PASSED' });
    expect(r.stderr).toMatch(/1 test case has no Testsigma id \(not sent\): shop\.Checkout untagged/);

    const failing = await runAction({ url: demo.webtrigger.url, secret: demo.webtrigger.secret, file: 'reports/junit.xml', 'id-pattern': 'TC-(\\d+)', 'run-id': 'again', 'fail-on-test-failure': 'true' }, dir);
    // The app fills JobView.statuses from the hardening branch on; before that, xts warns and the step passes.
    if (/did not report the synced statuses/.test(failing.stderr)) expect(failing.code).toBe(0);
    else expect({ code: failing.code, said: /1 synced result\(s\) failed in Xray/.test(failing.stderr) }).toEqual({ code: 3, said: true });
  }, 60_000);

  it('maps a report whose tests carry no id with the map input (a mapping file)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-action-'));
    mkdirSync(path.join(dir, 'reports'));
    writeFileSync(path.join(dir, 'reports', 'junit.xml'), junit(demo.tests.slice(0, 2).map((t) => t.caseId)));
    // The names as the report has them; the ids in the names are not used (no id-pattern).
    const [a, b] = demo.tests.map((t) => t.caseId);
    writeFileSync(path.join(dir, 'testsigma-map.csv'), `test,testsigma_id\n"shop.Checkout.TC-${a} step 0",${a}\nTC-${b} step 1,${b}\n`);
    const r = await runAction({ url: demo.webtrigger.url, secret: demo.webtrigger.secret, file: 'reports/junit.xml', map: 'testsigma-map.csv', 'run-id': 'mapped' }, dir);
    expect(r.code).toBe(0);
    expect(statuses()).toEqual({ [demo.tests[0]!.key]: 'PASSED', [demo.tests[1]!.key]: 'FAILED' });
    expect(r.stderr).toMatch(/1 test case has no Testsigma id \(not sent\): shop\.Checkout untagged/);
  }, 60_000);

  it('triggers a Testsigma plan with plan and testsigma-key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-action-'));
    const r = await runAction(
      { url: demo.webtrigger.url, secret: demo.webtrigger.secret, plan: demo.testPlan.planId, 'testsigma-key': sb.testsigmaApiKey, 'testsigma-url': sb.testsigma.url },
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.outputs.state).toBe('partial'); // the demo leaves case 606 unlinked
    expect(r.outputs['test-execution-key']).toBe(sb.world.listTestExecutions()[0]!.key);
  }, 60_000);

  it('fails the step with xts\'s message on a wrong secret, and on missing file and plan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-action-'));
    writeFileSync(path.join(dir, 'r.json'), JSON.stringify({ runId: 'x', results: [{ testCaseId: '601', status: 'PASSED' }] }));
    const wrong = await runAction({ url: demo.webtrigger.url, secret: 'not-the-secret', file: 'r.json' }, dir);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/HTTP 401 unauthorized/);
    expect(wrong.outputs).toEqual({ 'job-id': '', state: '', 'test-execution-key': '' });
    const neither = await runAction({ url: demo.webtrigger.url, secret: demo.webtrigger.secret }, dir);
    expect(neither.code).toBe(2);
    expect(neither.stdout).toMatch(/::error::Give file/);
  }, 60_000);
});

describe('the README\'s GitLab CI job', () => {
  it('uses a Node image and its script lines install the packed xts and sync a JUnit report', async () => {
    const job = (parse(recipe('gitlab')) as Record<string, { image: string; script: string[]; variables?: Record<string, string> }>)['xray-sync']!;
    expect(job.image).toMatch(/^node:\d+/);
    expect(job.variables).toBeUndefined(); // XTS_URL / XTS_SECRET come from the project's masked variables, not from themselves
    const dir = mkdtempSync(path.join(tmpdir(), 'xts-gitlab-'));
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: path.join(ROOT, 'cli') });
    const tarball = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    const work = path.join(dir, 'build');
    mkdirSync(path.join(work, 'reports'), { recursive: true });
    writeFileSync(path.join(work, 'reports', 'junit.xml'), junit(demo.tests.slice(0, 2).map((t) => t.caseId), 'property'));
    const env = {
      XTS_URL: demo.webtrigger.url,
      XTS_SECRET: demo.webtrigger.secret,
      CI_PROJECT_NAME: 'shop',
      CI_PIPELINE_ID: '977',
      XTS_PACKAGE: tarball, // the registry's package in real CI; the packed one here
      npm_config_prefix: path.join(dir, 'global'),
      npm_config_cache: path.join(dir, 'cache'),
      npm_config_offline: 'true',
    };
    const pathWithGlobal = `${path.join(dir, 'global', 'bin')}:${process.env.PATH ?? ''}`;
    let last = { code: 0, stdout: '', stderr: '' };
    for (const line of job.script) {
      last = await shell(['sh', '-e', '-c'], line, work, { ...env, PATH: pathWithGlobal });
      expect({ line, code: last.code, stderr: last.code === 0 ? '' : last.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
    expect(last.stdout).toMatch(/succeeded: 2 received, 2 synced, 0 unmapped, 0 failed -> SHOP-\d+/);
    expect(statuses()).toEqual({ [demo.tests[0]!.key]: 'PASSED', [demo.tests[1]!.key]: 'FAILED' });
    expect(sb.world.listTestExecutions()[0]!.labels.join(' ')).toContain('shop-977');
  }, 90_000);
});

describe('the README\'s curl + openssl script', () => {
  const script = recipe('curl');
  const dir = mkdtempSync(path.join(tmpdir(), 'xts-curl-'));
  const results = () => writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ runId: 'curl-1', results: [{ testCaseId: demo.tests[0]!.caseId, status: 'PASSED' }, { testCaseId: demo.tests[1]!.caseId, status: 'FAILED' }] }, null, 2) + '\n');

  it('signs the file, is accepted, and waits until the job is final', async () => {
    expect(script).toMatch(/--fail-with-body/);
    results();
    const r = await shell(['sh', '-c'], script, dir, { XTS_URL: demo.webtrigger.url, XTS_SECRET: demo.webtrigger.secret, XTS_POLL_SECONDS: '0.2' });
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^\{"jobId":"[^"]+","state":"queued"\}\n\{.*"state":"succeeded"/);
    expect(statuses()).toEqual({ [demo.tests[0]!.key]: 'PASSED', [demo.tests[1]!.key]: 'FAILED' });
  }, 60_000);

  it('fails (non-zero) on an error answer and shows the app\'s JSON error', async () => {
    results();
    const wrong = await shell(['sh', '-c'], script, dir, { XTS_URL: demo.webtrigger.url, XTS_SECRET: 'wrong', XTS_POLL_SECONDS: '0.2' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/"code":"unauthorized"/);
    writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ runId: 'curl-2', results: [{ testCaseId: '601', status: 'BOGUS' }] }));
    const bad = await shell(['sh', '-c'], script, dir, { XTS_URL: demo.webtrigger.url, XTS_SECRET: demo.webtrigger.secret, XTS_POLL_SECONDS: '0.2' });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/"code":"invalid_payload".*results\[0\]\.status/);
    expect(sb.world.listTestExecutions()).toEqual([]);
  }, 60_000);
});
