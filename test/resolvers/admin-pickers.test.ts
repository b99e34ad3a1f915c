import { createAdminResolver } from '../../src/resolvers/admin-resolver';
import type { ResolverHandlers } from '../../src/resolvers/envelope';
import { JiraSite, startJiraSite } from '../support/jira-site';

let site: JiraSite;
let admin: ResolverHandlers;

beforeEach(async () => {
  site = await startJiraSite();
  site.world.createProject({ key: 'QA', name: 'Quality assurance' });
  const unused = () => {
    throw new Error('not used by the pickers');
  };
  admin = createAdminResolver({
    kvs: site.kvs,
    jira: site.port,
    clock: { now: () => Date.parse('2026-12-01T10:00:00Z') },
    log: site.log,
    randomHex: unused,
    webtriggerUrl: async () => undefined,
    xrayClientFor: unused,
    testsigmaPing: unused,
    jobs: { list: unused, retry: unused },
  });
});
afterEach(() => site.close());

const call = (key: string, payload: unknown, accountId = 'admin') => admin[key]!({ payload, context: { accountId } });

describe('listProjects', () => {
  it('lists the projects the admin can see, by key, through Jira as the user', async () => {
    site.jira.counters.reset();
    const answer = await call('listProjects', {});
    expect(answer).toEqual({
      ok: true,
      data: {
        projects: [
          { id: expect.any(String), key: 'DEMO', name: 'DEMO project' },
          { id: expect.any(String), key: 'OTHER', name: 'OTHER project' },
          { id: expect.any(String), key: 'QA', name: 'Quality assurance' },
          { id: expect.any(String), key: 'SEC', name: 'SEC project' },
        ],
      },
    });
    expect(site.jira.counters.get('GET /rest/api/3/project/search')).toBe(1);
  });

  it('finds projects by part of their name or key', async () => {
    const byName = await call('listProjects', { query: 'quality' });
    expect(byName).toMatchObject({ ok: true, data: { projects: [{ key: 'QA' }] } });
    const byKey = await call('listProjects', { query: 'oth' });
    expect(byKey).toMatchObject({ ok: true, data: { projects: [{ key: 'OTHER' }] } });
  });

  it('gives at most the first 50', async () => {
    for (let i = 0; i < 60; i++) site.world.createProject({ key: `P${String(i).padStart(2, '0')}` });
    const answer = await call('listProjects', { query: 'P' });
    expect(answer.ok && (answer.data as { projects: unknown[] }).projects).toHaveLength(50);
  });

  it('answers forbidden to someone who is not a Jira administrator, without asking for projects', async () => {
    site.jira.counters.reset();
    const answer = await call('listProjects', {}, 'alice');
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(site.jira.counters.get('GET /rest/api/3/project/search')).toBe(0);
  });

  it('refuses a query that is not text, naming it', async () => {
    expect(await call('listProjects', { query: 42 })).toMatchObject({ ok: false, error: { code: 'invalid_settings', message: expect.stringContaining('query') } });
  });
});

describe('listIssueTypes', () => {
  it("lists a project's issue types without sub-tasks", async () => {
    const answer = await call('listIssueTypes', { projectKey: 'demo' });
    expect(answer.ok).toBe(true);
    const names = (answer.ok ? (answer.data as { issueTypes: Array<{ id: string; name: string }> }).issueTypes : []).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Test', 'Test Set', 'Test Plan', 'Test Execution', 'Bug']));
    const subtasks = site.world.listIssueTypes().filter((t) => t.subtask).map((t) => t.name);
    for (const name of subtasks) expect(names).not.toContain(name);
  });

  it('answers forbidden to someone who is not a Jira administrator', async () => {
    expect(await call('listIssueTypes', { projectKey: 'DEMO' }, 'alice')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers not_found for a project that does not exist', async () => {
    expect(await call('listIssueTypes', { projectKey: 'NOPE' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Project NOPE does not exist or you cannot see it.' },
    });
  });

  it.each([[{}], [{ projectKey: '' }], [{ projectKey: '../issue' }], [{ projectKey: 7 }]])('refuses %j naming projectKey', async (payload) => {
    expect(await call('listIssueTypes', payload)).toMatchObject({ ok: false, error: { code: 'invalid_settings', message: expect.stringContaining('projectKey') } });
  });
});

describe('Jira rate limiting a call the admin page needs (contract section 2: rate_limited)', () => {
  it('listProjects answers rate_limited naming Jira, not internal', async () => {
    const limited = createAdminResolver({
      kvs: site.kvs,
      jira: {
        asApp: site.port.asApp,
        asUser: () => async () => ({ status: 429, headers: { 'content-type': 'application/json', 'retry-after': '5' }, text: async () => '{"errorMessages":["Rate limit exceeded."]}', json: async () => ({ errorMessages: ['Rate limit exceeded.'] }) }) as never,
      },
      clock: { now: () => Date.parse('2026-12-01T10:00:00Z') },
      log: site.log,
      randomHex: () => '',
      webtriggerUrl: async () => undefined,
      xrayClientFor: () => {
        throw new Error('not used');
      },
      testsigmaPing: async () => undefined as never,
      jobs: { list: async () => ({ jobs: [] }), retry: async () => undefined as never },
    });
    const answer = await limited.listProjects!({ payload: {}, context: { accountId: 'admin' } });
    expect(answer).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/Jira.*Try again/) } });
  });
});
