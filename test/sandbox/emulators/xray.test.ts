import { startJiraEmulator } from '../../../sandbox/emulators/jira';
import { startXrayEmulator, type XrayEmulatorOptions } from '../../../sandbox/emulators/xray';
import { World } from '../../../sandbox/emulators/world';
import { fakeClock, fixture, shapeDiff } from './helpers';

type Seed = Array<[key: string, type: string, id?: string]>;

/** Creates projects and issues with the fixtures' keys (and ids where a fixture names one). */
function seed(world: World, issues: Seed): void {
  for (const [key, type, id] of issues) {
    const [projectKey, n] = key.split('-') as [string, string];
    if (!world.findProject(projectKey)) world.createProject({ key: projectKey });
    world.createIssue({ projectKey, type, summary: `${type} ${key}`, number: Number(n), id });
  }
}

const CLIENT = fixture<{ client_id: string; client_secret: string }>('xray/authenticate.request.json');
const GLOBAL = 'xray.cloud.getxray.app';

describe('Xray emulator', () => {
  const running: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  async function setup(issues: Seed = [], extra: Partial<XrayEmulatorOptions> = {}) {
    const clock = fakeClock();
    const world = new World({ now: clock.now });
    seed(world, issues);
    const xray = await startXrayEmulator({
      world,
      dataRegion: 'global',
      clients: [{ clientId: CLIENT.client_id, clientSecret: CLIENT.client_secret }],
      ...extra,
    });
    running.push(xray);
    const host = extra.dataRegion && extra.dataRegion !== 'global' ? `${extra.dataRegion}.${GLOBAL}` : GLOBAL;
    const call = (path: string, init: { body?: unknown; token?: string; host?: string; form?: FormData } = {}) =>
      fetch(`${xray.url}${path}`, {
        method: 'POST',
        headers: {
          'x-forwarded-host': init.host ?? host,
          ...(init.form ? {} : { 'content-type': 'application/json' }),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
        body: init.form ?? JSON.stringify(init.body),
      });
    const authenticate = async (): Promise<string> => (await (await call('/api/v2/authenticate', { body: CLIENT })).json()) as string;
    const token = await authenticate();
    const api = (path: string, body: unknown, opts: { host?: string; token?: string } = {}) =>
      call(path, { body, token: opts.token ?? token, host: opts.host });
    const gql = async (query: string, variables?: unknown) => {
      const res = await api('/api/v2/graphql', { query, variables });
      return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; path?: string[] }> } };
    };
    const multipart = (results: unknown, info: unknown, opts: { token?: string } = {}) => {
      const form = new FormData();
      form.append('results', new Blob([JSON.stringify(results)], { type: 'application/json' }), 'results.json');
      form.append('info', new Blob([JSON.stringify(info)], { type: 'application/json' }), 'info.json');
      return call('/api/v2/import/execution/multipart', { form, token: opts.token ?? token });
    };
    return { world, xray, clock, call, api, gql, multipart, token, authenticate };
  }

  describe('authenticate', () => {
    it('answers a quoted JWT-looking token for the documented request', async () => {
      const { call } = await setup();
      const res = await call('/api/v2/authenticate', { body: CLIENT });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const text = await res.text();
      expect(typeof fixture('xray/authenticate.response.json')).toBe('string');
      expect(text.startsWith('"')).toBe(true);
      expect((JSON.parse(text) as string).split('.')).toHaveLength(3);
    });

    it('refuses bad credentials with the 401 body', async () => {
      const { call } = await setup();
      const res = await call('/api/v2/authenticate', { body: { ...CLIENT, client_secret: 'nope' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(fixture('xray/authenticate.error.401.invalid-credentials.json'));
    });

    it('needs a valid, unexpired token everywhere else', async () => {
      const { api, xray, clock } = await setup([['CALC-3', 'Test']]);
      expect((await api('/api/v2/graphql', { query: '{ getStatuses { name } }' }, { token: 'forged' })).status).toBe(401);
      expect((await api('/api/v2/graphql', { query: '{ getStatuses { name } }' })).status).toBe(200);
      clock.advance(24 * 60 * 60 * 1000);
      expect((await api('/api/v2/graphql', { query: '{ getStatuses { name } }' })).status).toBe(401);
      xray.expireTokens();
    });
  });

  describe('regions', () => {
    it('answers the wrong-region 401 on API calls to another region, while authenticate works anywhere', async () => {
      const { call, api } = await setup([['CALC-3', 'Test']], { dataRegion: 'eu' });
      const wrongHostAuth = await call('/api/v2/authenticate', { body: CLIENT, host: `us.${GLOBAL}` });
      expect(wrongHostAuth.status).toBe(200);
      const us = await api('/api/v2/graphql', { query: '{ getStatuses { name } }' }, { host: `us.${GLOBAL}` });
      expect(us.status).toBe(401);
      expect(await us.json()).toEqual(fixture('xray/error.401.wrong-region.json'));
      const global = await api('/api/v2/import/execution', {}, { host: GLOBAL });
      expect(global.status).toBe(401);
      expect((await api('/api/v2/graphql', { query: '{ getStatuses { name } }' }, { host: `eu.${GLOBAL}` })).status).toBe(200);
    });
  });

  describe('import/execution', () => {
    const response = fixture('xray/import-execution.response.json');

    it('accepts the documented request with a Test Plan and environments', async () => {
      const { api, world } = await setup([['DEMO-6', 'Test'], ['DEMO-7', 'Test'], ['DEMO-100', 'Test Plan']]);
      world.addTestEnvironments('DEMO', ['iOS', 'Android']);
      const res = await api('/api/v2/import/execution', fixture('xray/import-execution.request.with-plan.json'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; key: string; self: string };
      expect(shapeDiff(response, body)).toEqual([]);
      const [exec] = world.listTestExecutions();
      expect(exec).toMatchObject({ key: body.key, summary: 'Execution of automated tests for release v1.3', testEnvironments: ['iOS', 'Android'] });
      expect(exec?.runs.map((r) => [r.testKey, r.status, r.comment])).toEqual([
        ['DEMO-6', 'PASSED', 'Successful execution'],
        ['DEMO-7', 'FAILED', 'Execution failed. Example #5 FAIL.'],
      ]);
      const plan = world.requireIssue('DEMO-100');
      expect(exec?.testPlanIds).toEqual([plan.id]);
      expect(world.testPlanTestIds(plan.id)).toHaveLength(2);
      expect(body.self).toBe(`${world.siteUrl}/rest/api/2/issue/${body.id}`);
    });

    it('accepts the vendor sample with environments and the one with iterations', async () => {
      const { api, world, xray } = await setup([['CALC-3', 'Test']]);
      world.addTestEnvironments('CALC', ['Chrome']);
      const a = await api('/api/v2/import/execution', fixture('xray/import-execution.request.with-environments.json'));
      expect(a.status).toBe(200);
      const b = await api('/api/v2/import/execution', fixture('xray/import-execution.request.with-iterations.json'));
      expect(b.status).toBe(200);
      expect(shapeDiff(response, await b.json())).toEqual([]);
      // Xray finds or creates the Test named by testInfo: the emulator records it so tests can forbid it.
      expect(xray.createdTests()).toHaveLength(1);
      const execs = world.listTestExecutions();
      expect(execs).toHaveLength(2);
      expect(execs[1]?.runs[0]?.iterations.map((i) => i.status)).toEqual(['PASSED', 'FAILED']);
    });

    it('updates the named Test Execution and upserts runs per test', async () => {
      const { api, world } = await setup([['XCN-1', 'Test'], ['XCN-6', 'Test Execution']]);
      const first = await api('/api/v2/import/execution', fixture('xray/import-execution.request.with-exec-key.json'));
      expect(await first.json()).toMatchObject({ key: 'XCN-6' });
      await api('/api/v2/import/execution', { testExecutionKey: 'XCN-6', tests: [{ testKey: 'XCN-1', status: 'FAILED', comment: 'again' }] });
      const execs = world.listTestExecutions();
      expect(execs).toHaveLength(1);
      expect(execs[0]?.runs.map((r) => [r.testKey, r.status, r.comment])).toEqual([['XCN-1', 'FAILED', 'again']]);
    });

    it('stores evidence sent as tests[].evidence', async () => {
      const { api, world } = await setup([['CYP-123', 'Test Execution'], ['CYP-456', 'Test']]);
      const res = await api('/api/v2/import/execution', fixture('xray/import-execution.request.with-evidence.json'));
      expect(res.status).toBe(200);
      const run = world.listTestExecutions()[0]?.runs[0];
      expect(run?.evidence.map((e) => [e.filename, e.mimeType, Buffer.from(e.data, 'base64').toString()])).toEqual([
        ['first.txt', 'text/plain', 'first'],
        ['second.txt', 'text/plain', 'second'],
        ['third.txt', 'text/plain', 'third'],
      ]);
    });

    it('answers the captured 400s', async () => {
      const { api, world } = await setup([['CALC-3', 'Test']]);
      world.addTestEnvironments('CALC', ['Chrome']);
      const base = fixture<{ info: Record<string, unknown>; tests: Array<Record<string, unknown>> }>('xray/import-execution.request.with-environments.json');
      const cases: Array<[unknown, string]> = [
        [{ ...base, info: { ...base.info, project: undefined } }, 'xray/import-execution.error.400.missing-project.json'],
        [{ ...base, tests: [{ testKey: 'CALC-99', status: 'PASSED' }] }, 'xray/import-execution.error.400.no-valid-tests.json'],
        [{ ...base, info: { ...base.info, testEnvironments: ['dev'] } }, 'xray/import-execution.error.400.unknown-test-environment.json'],
      ];
      for (const [body, expected] of cases) {
        const res = await api('/api/v2/import/execution', body);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual(fixture(expected));
      }
      expect(world.listTestExecutions()).toHaveLength(0);
    });

    it('refuses a whole import for an unknown status, a bad date or an unknown Test Plan, and skips non-Tests', async () => {
      const { api, world } = await setup([['CALC-3', 'Test'], ['CALC-4', 'Task']]);
      const bodies = [
        { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'PASSED' }, { testKey: 'CALC-3', status: 'SKIPPED' }] },
        { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'passed' }] },
        { info: { project: 'CALC', startDate: '2026-11-25 10:00' }, tests: [{ testKey: 'CALC-3', status: 'PASSED' }] },
        { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'PASSED', finish: '2026-11-25T10:00:00' }] },
        { info: { project: 'CALC', testPlanKey: 'CALC-3' }, tests: [{ testKey: 'CALC-3', status: 'PASSED' }] },
        { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'PASSED', evidence: [{ filename: 'a', data: 'not base64!' }] }] },
      ];
      for (const b of bodies) {
        const res = await api('/api/v2/import/execution', b);
        expect(res.status).toBe(400);
        expect(typeof ((await res.json()) as { error: unknown }).error).toBe('string');
      }
      expect(world.listTestExecutions()).toHaveLength(0);
      const ok = await api('/api/v2/import/execution', { info: { project: 'CALC', startDate: '2026-11-25T10:00:00.123Z' }, tests: [{ testKey: 'CALC-4', status: 'PASSED' }, { testKey: 'CALC-3', status: 'PASSED' }] });
      expect(ok.status).toBe(200);
      expect(world.listTestExecutions()[0]?.runs.map((r) => r.testKey)).toEqual(['CALC-3']);
    });
  });

  describe('import/execution/multipart', () => {
    it('creates the Test Execution with the info fields; its labels are found by Jira search after the index lag', async () => {
      const { multipart, world, clock } = await setup([['CYP-529', 'Test'], ['CYP-531', 'Test']]);
      world.setSearchIndexLagMs(60_000);
      world.addAccount({ accountId: 'alice' });
      world.grant('alice', 'BROWSE_PROJECTS', '*');
      const jira = await startJiraEmulator({ world });
      running.push(jira);
      const res = await multipart(fixture('xray/import-execution-multipart.results.json'), fixture('xray/import-execution-multipart.info.json'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { key: string };
      expect(shapeDiff(fixture('xray/import-execution.response.json'), body)).toEqual([]);
      expect(world.listTestExecutions()[0]).toMatchObject({ key: body.key, summary: 'Brand new Test execution', labels: ['a', 'b'] });
      const search = () =>
        fetch(`${jira.url}/rest/api/3/search/jql`, {
          method: 'POST',
          headers: { authorization: 'Bearer user:alice', 'content-type': 'application/json' },
          body: JSON.stringify({ jql: 'labels = "a" AND issuetype = "Test Execution"', fields: ['key'] }),
        }).then(async (r) => ((await r.json()) as { issues: Array<{ key: string }> }).issues.map((i) => i.key));
      expect(await search()).toEqual([]);
      clock.advance(60_000);
      expect(await search()).toEqual([body.key]);
    });

    it('links the Test Plan named in xrayFields', async () => {
      const { multipart, world } = await setup([['CYP-529', 'Test'], ['CYP-531', 'Test'], ['CYP-123', 'Test Plan']]);
      const res = await multipart(fixture('xray/import-execution-multipart.results.json'), fixture('xray/import-execution-multipart.info.with-xrayFields.json'));
      expect(res.status).toBe(200);
      expect(world.listTestExecutions()[0]?.testPlanIds).toEqual([world.requireIssue('CYP-123').id]);
    });

    it('answers the captured 400s', async () => {
      const { multipart, world } = await setup([['CYP-529', 'Test'], ['CYP-531', 'Test']]);
      const results = fixture('xray/import-execution-multipart.results.json');
      const info = fixture<{ fields: Record<string, unknown> }>('xray/import-execution-multipart.info.json');
      const cases: Array<[unknown, string]> = [
        [{ fields: { ...info.fields, project: undefined } }, 'xray/import-execution-multipart.error.400.project-required.json'],
        [{ fields: { ...info.fields, issuetype: { id: '10001' } } }, 'xray/import-execution-multipart.error.400.invalid-issuetype.json'],
        [{ ...info, xrayFields: { testEnvironments: ['Chrome'] } }, 'xray/import-execution-multipart.error.400.invalid-xrayFields.json'],
      ];
      for (const [i, expected] of cases) {
        const res = await multipart(results, i);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual(fixture(expected));
      }
      const broken = await multipart(results, { fields: { ...info.fields, summary: 'Nightly\nregression' } });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toEqual({ error: 'Error creating Test Execution - Issue create failed! - summary: The summary is invalid because it contains newline characters.' });
      const spaced = await multipart(results, { fields: { ...info.fields, labels: ['run 337'] } });
      expect(spaced.status).toBe(400);
      expect(world.listTestExecutions()).toHaveLength(0);
    });
  });

  describe('graphql', () => {
    const xcn: Seed = [['XCN-1', 'Test', '15049'], ['XCN-2', 'Test Execution', '15050'], ['XCN-3', 'Test Plan', '15051'], ['XCN-7', 'Test Execution', '15357']];

    it('answers getTestExecution like the live-asserted fixture', async () => {
      const { world, api } = await setup(xcn);
      world.addTestsToTestExecution('15357', ['15049']);
      const res = await api('/api/v2/graphql', fixture('xray/graphql.getTestExecution.request.json'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(fixture('xray/graphql.getTestExecution.response.json'));
    });

    it('answers getTestPlan and getTestExecutions like the fixtures', async () => {
      const { world, gql } = await setup(xcn);
      world.addTestsToTestPlan('15051', ['15049']);
      world.addTestsToTestExecution('15050', ['15049']);
      const plan = await gql('{ getTestPlan(issueId: "15051") { issueId jira(fields: ["key"]) tests(limit: 100) { results { issueId testType { name } } } } }');
      expect(plan.body).toEqual(fixture('xray/graphql.getTestPlan.response.json'));
      const execs = await gql('{ getTestExecutions(issueIds: ["15050"], limit: 1) { start limit results { issueId jira(fields: ["key"]) tests(limit: 10) { start limit results { issueId jira(fields: ["key"]) testType { name } } } } } }');
      expect(execs.body).toEqual(fixture('xray/graphql.getTestExecutions.response.json'));
    });

    it('answers getTestPlans, and iterations of a data-driven run, in the fixtures shapes', async () => {
      const { world, api, gql } = await setup(xcn);
      world.addTestsToTestPlan('15051', ['15049']);
      const plans = await gql('{ getTestPlans(issueIds: ["15051"], limit: 1) { start limit results { issueId jira(fields: ["key"]) tests(limit: 10) { start limit results { issueId jira(fields: ["key"]) testType { name } } } } } }');
      expect(plans.body).toEqual(fixture('xray/graphql.getTestPlans.response.json'));
      const imp = await api('/api/v2/import/execution', {
        testExecutionKey: 'XCN-2',
        tests: [{ testKey: 'XCN-1', status: 'PASSED', iterations: [
          { parameters: [{ name: 'iteration', value: '1' }], status: 'PASSED' },
          { parameters: [{ name: 'iteration', value: '2' }], status: 'PASSED' },
        ] }],
      });
      expect(imp.status).toBe(200);
      const runs = await api('/api/v2/graphql', fixture('xray/graphql.getTestRuns.request.json'));
      const body = await runs.json();
      expect(shapeDiff(fixture('xray/graphql.getTestRuns.response.with-iterations.json'), body)).toEqual([]);
      expect(body).toMatchObject({ data: { getTestRuns: { results: [{ iterations: { results: [{ parameters: [{ name: 'iteration', value: '1' }], status: { name: 'PASSED' } }, {}] } }] } } });
    });

    it('answers getTestRuns for the client-sent query, and getTestRun, in the fixtures shapes', async () => {
      const { world, api, gql } = await setup(xcn);
      const run = world.upsertRun('15050', '15049', { status: 'PASSED', evidence: [{ filename: 'shot.png', mimeType: 'image/png', data: 'AAAA' }] });
      const res = await api('/api/v2/graphql', fixture('xray/graphql.getTestRuns.request.json'));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(shapeDiff(fixture('xray/graphql.getTestRuns.response.json'), body)).toEqual([]);
      expect(shapeDiff(fixture('xray/graphql.getTestRuns.response.with-evidence.json'), body)).toEqual([]);
      expect(body).toMatchObject({ data: { getTestRuns: { total: 1, results: [{ id: run.id, test: { jira: { key: 'XCN-1' } }, evidence: [{ filename: 'shot.png' }] }] } } });
      const one = await gql('{ getTestRun(testIssueId: "15049", testExecIssueId: "15050") { id status { name color description } gherkin examples { id } } }');
      expect(one.body).toEqual({ data: { getTestRun: { ...fixture<{ data: { getTestRun: object } }>('xray/graphql.getTestRun.response.json').data.getTestRun, id: run.id } } });
    });

    it('adds defects to a test run by key or id (addDefectsToTestRun), and the run shows their ids', async () => {
      const { world, gql } = await setup(xcn);
      const run = world.upsertRun('15050', '15049', { status: 'FAILED' });
      const bug = world.createIssue({ projectKey: 'XCN', type: 'Bug', summary: 'Fails' });
      const add = await gql(
        'mutation ($id: String!, $issues: [String]!) { addDefectsToTestRun(id: $id, issues: $issues) { addedDefects warnings } }',
        { id: run.id, issues: [bug.key, 'XCN-999'] },
      );
      expect(add.body).toEqual({ data: { addDefectsToTestRun: { addedDefects: [bug.id], warnings: ['Issue with key or id XCN-999 was not found.'] } } });
      const again = await gql(`mutation { addDefectsToTestRun(id: "${run.id}", issues: ["${bug.id}"]) { addedDefects warnings } }`);
      expect(again.body).toEqual({ data: { addDefectsToTestRun: { addedDefects: [], warnings: [] } } });
      const one = await gql('{ getTestRun(testIssueId: "15049", testExecIssueId: "15050") { id defects } }');
      expect(one.body).toEqual({ data: { getTestRun: { id: run.id, defects: [bug.id] } } });
      const missing = await gql('mutation { addDefectsToTestRun(id: "nope", issues: ["XCN-1"]) { addedDefects } }');
      expect(missing.body.errors?.[0]?.message).toContain('not found');
    });

    it('shows per-test status in a Test Execution, custom statuses included', async () => {
      const { world, gql } = await setup(xcn);
      world.addStatus({ name: 'SKIPPED', color: '#cccccc' });
      world.createIssue({ projectKey: 'XCN', type: 'Test', summary: 'skipped cucumber test', id: '15060' });
      world.updateIssue('15049', { summary: 'included cucumber test' });
      world.upsertRun('15357', '15049', { status: 'PASSED' });
      world.upsertRun('15357', '15060', { status: 'SKIPPED' });
      const r = await gql('{ getTestExecution(issueId: "15357") { tests(limit: 100) { results { status { name } jira(fields: ["summary"]) } } } }');
      expect(r.body).toEqual(fixture('xray/graphql.getTestExecution.response.with-test-status.json'));
      const statuses = await gql('{ getStatuses { name description final color } }');
      expect((statuses.body.data?.getStatuses as Array<{ name: string }>).map((s) => s.name)).toEqual(['PASSED', 'FAILED', 'TODO', 'EXECUTING', 'ABORTED', 'SKIPPED']);
    });

    it('answers getTests in the fixture shape', async () => {
      const { world, gql } = await setup([['CYP-330', 'Test']]);
      world.createIssue({ projectKey: 'CYP', type: 'Test', summary: 'A background scenario', testType: 'Cucumber' });
      const r = await gql('{ getTests(jql: "project = CYP", limit: 2) { total start results { testType { id name kind } jira(fields: ["key", "summary"]) } } }');
      expect(shapeDiff(fixture('xray/graphql.getTests.response.json'), r.body)).toEqual([]);
      expect((r.body.data?.getTests as { total: number }).total).toBe(2);
    });

    it('adds evidence with the client-sent mutation and answers like the fixture', async () => {
      const { world, api } = await setup(xcn);
      const run = world.upsertRun('15050', '15049', { status: 'FAILED' });
      const req = fixture<{ query: string; variables: Record<string, unknown> }>('xray/graphql.addEvidenceToTestRun.request.json');
      const res = await api('/api/v2/graphql', { ...req, variables: { ...req.variables, id: run.id } });
      expect(await res.json()).toEqual(fixture('xray/graphql.addEvidenceToTestRun.response.json'));
      expect(world.findRunById(run.id)?.evidence.map((e) => e.filename)).toEqual(['evidence.txt']);
    });

    it('creates a Test Execution, links it to a plan, and updates a run status', async () => {
      const { world, gql } = await setup([['CALC-1', 'Test Plan', '10000'], ['CALC-2', 'Test', '10005']]);
      const created = await gql(
        'mutation { createTestExecution(testIssueIds: ["10005"], testEnvironments: ["android"], jira: { fields: { summary: "Run 337", project: { key: "CALC" }, labels: ["ts-run-337"] } }) { testExecution { issueId jira(fields: ["key", "labels"]) } warnings createdTestEnvironments } }',
      );
      const result = created.body.data?.createTestExecution as { testExecution: { issueId: string; jira: { key: string; labels: string[] } }; warnings: string[]; createdTestEnvironments: string[] };
      expect(result).toMatchObject({ warnings: [], createdTestEnvironments: ['android'], testExecution: { jira: { labels: ['ts-run-337'] } } });
      const execId = result.testExecution.issueId;
      const add = await gql(`mutation { addTestExecutionsToTestPlan(issueId: "10000", testExecIssueIds: ["${execId}"]) { addedTestExecutions warning } }`);
      expect(shapeDiff(fixture('xray/graphql.addTestExecutionsToTestPlan.response.json'), add.body)).toEqual([]);
      expect(add.body).toEqual({ data: { addTestExecutionsToTestPlan: { addedTestExecutions: [execId], warning: null } } });
      const again = await gql(`mutation { addTestExecutionsToTestPlan(issueId: "10000", testExecIssueIds: ["${execId}"]) { addedTestExecutions warning } }`);
      expect(again.body.data?.addTestExecutionsToTestPlan).toEqual({ addedTestExecutions: [], warning: null });
      const run = world.findRun('10005', execId);
      expect(run?.status).toBe('TODO');
      const upd = await gql(`mutation { updateTestRunStatus(id: "${run?.id}", status: "PASSED") }`);
      expect(upd.body).toEqual({ data: { updateTestRunStatus: null } });
      expect(world.findRun('10005', execId)?.status).toBe('PASSED');
      const badStatus = await gql(`mutation { updateTestRunStatus(id: "${run?.id}", status: "passed") }`);
      expect(badStatus.body.errors).toHaveLength(1);
    });

    it('answers permission errors with HTTP 200, errors and data { op: null }', async () => {
      const clock = fakeClock();
      const world = new World({ now: clock.now });
      seed(world, [['CALC-1', 'Test Plan', '10000'], ['CALC-2', 'Test Execution', '10001']]);
      world.addAccount({ accountId: 'viewer' });
      world.grant('viewer', 'BROWSE_PROJECTS', 'CALC');
      const xray = await startXrayEmulator({ world, dataRegion: 'global', clients: [{ clientId: 'c', clientSecret: 's', accountId: 'viewer' }] });
      running.push(xray);
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${xray.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const token = (await (await post('/api/v2/authenticate', { client_id: 'c', client_secret: 's' })).json()) as string;
      const res = await post('/api/v2/graphql', { query: 'mutation { addTestExecutionsToTestPlan(issueId: "10000", testExecIssueIds: ["10001"]) { addedTestExecutions warning } }' }, token);
      expect(res.status).toBe(200);
      const body = await res.json();
      const expected = fixture('xray/graphql.error.no-permission.json');
      expect(shapeDiff(expected, body)).toEqual([]);
      expect(body).toMatchObject({ errors: [{ message: (expected as { errors: Array<{ message: string }> }).errors[0]?.message, path: ['addTestExecutionsToTestPlan'] }], data: { addTestExecutionsToTestPlan: null } });
      const imp = await post('/api/v2/import/execution', { testExecutionKey: 'CALC-2', tests: [] }, token);
      expect(imp.status).toBe(400);
    });

    it('validates limits (1..100), refuses JQL over 100 issues, and answers null for keys', async () => {
      const { world, gql } = await setup([['BIG-1', 'Test Set', '20000']]);
      for (let i = 0; i < 101; i++) world.createIssue({ projectKey: 'BIG', type: 'Test', summary: `t${i}` });
      for (const limit of [0, 101]) {
        const r = await gql(`{ getTests(jql: "project = BIG AND issuetype = Test", limit: ${limit}) { total } }`);
        expect(r.status).toBe(200);
        expect(r.body.data).toEqual({ getTests: null });
        expect(r.body.errors?.[0]?.path).toEqual(['getTests']);
      }
      const nested = await gql('{ getTestSet(issueId: "20000") { issueId tests(limit: 101) { total } } }');
      expect(nested.body.data).toEqual({ getTestSet: { issueId: '20000', tests: null } });
      expect(nested.body.errors).toHaveLength(1);
      const tooMany = await gql('{ getTests(jql: "project = BIG", limit: 10) { total } }');
      expect(tooMany.body.errors?.[0]?.message).toMatch(/more than/);
      const byKey = await gql('{ getTestSet(issueId: "BIG-1") { issueId } }');
      expect(byKey.body).toEqual({ data: { getTestSet: null } });
      const syntax = await gql('{ getTestSet(issueId: "20000") { issueId ');
      expect(syntax.status).toBe(400);
      const unknownField = await gql('{ getTestSet(issueId: "20000") { nope } }');
      expect(unknownField.status).toBe(400);
    });

    it('counts GraphQL operations by root field', async () => {
      const { xray, gql } = await setup(xcn);
      xray.counters.reset();
      await gql('query Q($e: [String]) { getTestRuns(testExecIssueIds: $e, limit: 10) { total } getStatuses { name } }', { e: ['15050'] });
      expect(xray.counters.get('graphql')).toBe(1);
      expect(xray.counters.get('graphql:getTestRuns')).toBe(1);
      expect(xray.counters.get('graphql:getStatuses')).toBe(1);
    });
  });

  describe('rate limit and faults', () => {
    it('answers 429 after the per-site budget (authenticate counts) until the window slides', async () => {
      const { api, clock, xray, authenticate } = await setup([], { requestsPer5Minutes: 3 });
      const q = { query: '{ getStatuses { name } }' };
      expect((await api('/api/v2/graphql', q)).status).toBe(200);
      expect((await api('/api/v2/graphql', q)).status).toBe(200);
      const limited = await api('/api/v2/graphql', q);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBeNull();
      expect(xray.remainingRequests()).toBe(0);
      clock.advance(5 * 60 * 1000);
      expect(typeof (await authenticate())).toBe('string');
      expect(xray.counters.get('status:429')).toBe(1);
    });

    it('injects 429, 500 and 503 answers for a number of requests', async () => {
      const { api, xray } = await setup();
      const q = { query: '{ getStatuses { name } }' };
      xray.faults.inject({ endpoint: 'graphql', kind: '503', count: 2 });
      xray.faults.inject({ endpoint: 'import', kind: '500' });
      xray.faults.inject({ kind: '429' });
      const r1 = await api('/api/v2/graphql', q);
      expect(r1.status).toBe(503);
      expect(await r1.text()).toMatch(/could not be satisfied/);
      expect((await api('/api/v2/graphql', q)).status).toBe(503);
      expect((await api('/api/v2/import/execution', {})).status).toBe(500);
      expect((await api('/api/v2/graphql', q)).status).toBe(429);
      expect((await api('/api/v2/graphql', q)).status).toBe(200);
      expect(xray.faults.pending()).toEqual([]);
    });

    it('slows a request down', async () => {
      const { api, xray } = await setup();
      xray.faults.inject({ kind: 'slow', delayMs: 150 });
      const t0 = Date.now();
      expect((await api('/api/v2/graphql', { query: '{ getStatuses { name } }' })).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    });

    it('loses the answer of an import that was committed', async () => {
      const { api, xray, world } = await setup([['CALC-3', 'Test']]);
      xray.faults.inject({ endpoint: 'import', kind: 'lost' });
      await expect(api('/api/v2/import/execution', { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'PASSED' }] })).rejects.toThrow();
      expect(world.listTestExecutions()).toHaveLength(1);
      expect(xray.counters.get('lost')).toBe(1);
    });

    it('answers 413 for bodies over the limit', async () => {
      const { api } = await setup([['CALC-3', 'Test']], { maxBodyBytes: 1000 });
      const res = await api('/api/v2/import/execution', { info: { project: 'CALC' }, tests: [{ testKey: 'CALC-3', status: 'PASSED', comment: 'x'.repeat(2000) }] });
      expect(res.status).toBe(413);
    });
  });
});
