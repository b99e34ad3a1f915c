import { startJiraEmulator, type JiraEmulator } from '../../../sandbox/emulators/jira';
import { World } from '../../../sandbox/emulators/world';
import { fakeClock, fixture, shapeDiff } from './helpers';

describe('Jira emulator', () => {
  const clock = fakeClock();
  let world: World;
  let jira: JiraEmulator;
  const as = (who: string) => ({ authorization: `Bearer ${who === 'app' ? 'app' : `user:${who}`}`, 'content-type': 'application/json' });
  const get = (path: string, who = 'alice') => fetch(`${jira.url}${path}`, { headers: as(who) });
  const post = (path: string, body: unknown, who = 'alice') =>
    fetch(`${jira.url}${path}`, { method: 'POST', headers: as(who), body: JSON.stringify(body) });

  beforeEach(async () => {
    world = new World({ now: clock.now });
    world.createProject({ key: 'DIS', name: 'Discourse', id: '10000' });
    world.createProject({ key: 'SEC', name: 'Secret' });
    world.addAccount({ accountId: 'alice', displayName: 'Alice' });
    world.addAccount({ accountId: 'bob', displayName: 'Bob' });
    world.grant('alice', 'BROWSE_PROJECTS', 'DIS');
    world.grant('alice', 'EDIT_ISSUES', 'DIS');
    world.grant('bob', 'BROWSE_PROJECTS', '*');
    world.grant('bob', 'ADMINISTER');
    world.createIssue({ projectKey: 'DIS', type: 'Task', summary: '[Discourse] Welcome to the Lounge', number: 42, id: '10041' });
    jira = await startJiraEmulator({ world });
  });
  afterEach(() => jira.close());

  it('GET issue answers the captured shape', async () => {
    const res = await get('/rest/api/3/issue/DIS-42?fields=issuetype,project,summary');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; key: string; fields: Record<string, unknown> };
    expect(shapeDiff(fixture('jira/issue.get.response.json'), body)).toEqual([]);
    expect(body.id).toBe('10041');
    expect(body.key).toBe('DIS-42');
    expect(Object.keys(body.fields).sort()).toEqual(['issuetype', 'project', 'summary']);
  });

  it('answers 401 with Jira body without or with unknown credentials', async () => {
    const expected = fixture('jira/error.401.not-authenticated.json');
    const none = await fetch(`${jira.url}/rest/api/3/issue/DIS-42`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual(expected);
    const unknown = await get('/rest/api/3/issue/DIS-42', 'mallory');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(expected);
  });

  it('hides an issue the caller cannot browse exactly like a missing one', async () => {
    const hidden = world.createIssue({ projectKey: 'SEC', type: 'Test', summary: 'secret' });
    const a = await get(`/rest/api/3/issue/${hidden.key}`);
    const b = await get('/rest/api/3/issue/DIS-999');
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    const body = { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
    expect(await a.json()).toEqual(body);
    expect(await b.json()).toEqual(body);
    expect((await get(`/rest/api/3/issue/${hidden.id}`, 'app')).status).toBe(200);
  });

  it('keeps the id and resolves the old key after a move', async () => {
    world.grant('alice', 'BROWSE_PROJECTS', 'SEC');
    const moved = world.moveIssue('DIS-42', 'SEC');
    expect(moved).toEqual({ id: '10041', key: 'SEC-1' });
    const res = await get('/rest/api/3/issue/DIS-42');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { key: string }).key).toBe('SEC-1');
    const search = await post('/rest/api/3/search/jql', { jql: 'key in (DIS-42)', fields: ['key'] });
    expect(((await search.json()) as { issues: Array<{ key: string }> }).issues.map((i) => i.key)).toEqual(['SEC-1']);
  });

  it('search/jql pages like the captured answers and only returns id unless asked', async () => {
    for (let i = 0; i < 7; i++) world.createIssue({ projectKey: 'DIS', type: 'Test', summary: `t${i}`, labels: ['x'] });
    const page1 = await post('/rest/api/3/search/jql', { jql: 'labels = "x"', fields: ['id', 'key'], maxResults: 5 });
    expect(page1.status).toBe(200);
    const b1 = (await page1.json()) as { issues: unknown[]; nextPageToken: string; isLast: boolean };
    expect(shapeDiff(fixture('jira/search-jql.response.page1.json'), b1)).toEqual([]);
    expect(b1.issues).toHaveLength(5);
    const page2 = await post('/rest/api/3/search/jql', { jql: 'labels = "x"', fields: ['id', 'key'], maxResults: 5, nextPageToken: b1.nextPageToken });
    const b2 = (await page2.json()) as Record<string, unknown>;
    expect(shapeDiff(fixture('jira/search-jql.response.last-page.json'), b2)).toEqual([]);
    expect(b2).not.toHaveProperty('nextPageToken');
    expect(b2.isLast).toBe(true);
    const bare = (await (await post('/rest/api/3/search/jql', { jql: 'labels = x' })).json()) as { issues: Array<Record<string, unknown>> };
    expect(bare.issues[0]).not.toHaveProperty('key');
    expect(bare.issues[0]).not.toHaveProperty('fields');
    const withFields = (await (await post('/rest/api/3/search/jql', { jql: 'labels = x AND issuetype = Test', fields: ['summary', 'labels'] })).json()) as { issues: Array<{ fields: { labels: string[] } }> };
    expect(withFields.issues[0]?.fields.labels).toEqual(['x']);
  });

  it('search/jql lags behind changes while get and bulkfetch do not', async () => {
    world.setSearchIndexLagMs(30_000);
    const created = world.createIssue({ projectKey: 'DIS', type: 'Test Execution', summary: 'run', labels: ['ts-run-337'] });
    const q = { jql: 'labels = "ts-run-337" AND project = DIS AND issuetype = "Test Execution"', fields: ['key'] };
    const early = (await (await post('/rest/api/3/search/jql', q)).json()) as { issues: unknown[]; isLast: boolean };
    expect(early).toEqual({ issues: [], isLast: true });
    expect((await get(`/rest/api/3/issue/${created.key}`)).status).toBe(200);
    const bulk = (await (await post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: [created.id, 'DIS-999'], fields: ['labels'] })).json()) as { issues: Array<{ key: string }>; issueErrors: unknown[] };
    expect(bulk.issues.map((i) => i.key)).toEqual([created.key]);
    expect(bulk.issueErrors).toEqual([]);
    clock.advance(30_000);
    const later = (await (await post('/rest/api/3/search/jql', q)).json()) as { issues: Array<{ key: string }> };
    expect(later.issues.map((i) => i.key)).toEqual([created.key]);
  });

  it('refuses JQL it cannot judge with Jira envelope', async () => {
    for (const jql of ['labels = a OR labels = b', 'summary ~ "x"', 'project = NOPE', 'key in (DIS-777)', '']) {
      const res = await post('/rest/api/3/search/jql', { jql });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errorMessages: string[]; errors: object };
      expect(body.errorMessages).toHaveLength(1);
      expect(body.errors).toEqual({});
    }
  });

  it('bulkfetch takes at most 100', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => String(10000 + i));
    expect((await post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ids })).status).toBe(400);
    expect((await post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: [] })).status).toBe(400);
  });

  it('mypermissions answers the documented shape, with ADMINISTER as GLOBAL', async () => {
    const res = await get('/rest/api/3/mypermissions?permissions=EDIT_ISSUES,ADMINISTER&issueKey=DIS-42');
    const body = (await res.json()) as { permissions: Record<string, { havePermission: boolean; type: string }> };
    expect(shapeDiff(fixture('jira/mypermissions.response.json'), body)).toEqual([]);
    expect(body.permissions.EDIT_ISSUES?.havePermission).toBe(true);
    expect(body.permissions.ADMINISTER).toMatchObject({ type: 'GLOBAL', havePermission: false, key: 'ADMINISTER' });
    const bob = (await (await get('/rest/api/3/mypermissions?permissions=ADMINISTER,EDIT_ISSUES&projectKey=DIS', 'bob')).json()) as typeof body;
    expect(bob.permissions.ADMINISTER?.havePermission).toBe(true);
    expect(bob.permissions.EDIT_ISSUES?.havePermission).toBe(false);
    const app = (await (await get('/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS&issueId=10041', 'app')).json()) as typeof body;
    expect(app.permissions.ADMINISTER?.havePermission).toBe(false);
    expect(app.permissions.BROWSE_PROJECTS?.havePermission).toBe(true);
  });

  it('mypermissions without permissions is a 400 like Jira', async () => {
    const res = await get('/rest/api/3/mypermissions?issueKey=DIS-42');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorMessages: ["The 'permissions' query parameter is required."], errors: {} });
    expect((await get('/rest/api/3/mypermissions?permissions=EDIT_ISSUES&issueKey=DIS-404')).status).toBe(404);
  });

  it('project get answers 404 with the captured body', async () => {
    const res = await get('/rest/api/3/project/VULN');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(fixture('jira/error.404.project-not-found.json'));
    const ok = (await (await get('/rest/api/3/project/DIS')).json()) as { id: string; key: string; name: string };
    expect(ok).toMatchObject({ id: '10000', key: 'DIS', name: 'Discourse' });
    expect((await get('/rest/api/3/project/SEC')).status).toBe(404);
  });

  it('myself and counters', async () => {
    const me = (await (await get('/rest/api/3/myself')).json()) as { accountId: string; displayName: string };
    expect(me).toMatchObject({ accountId: 'alice', displayName: 'Alice' });
    await get('/rest/api/3/issue/DIS-42');
    await get('/rest/api/3/issue/10041');
    expect(jira.counters.get('GET /rest/api/3/issue/{issueIdOrKey}')).toBe(2);
    expect(jira.counters.get('GET /rest/api/3/myself')).toBe(1);
    jira.counters.reset();
    expect(jira.counters.total()).toBe(0);
  });
});
