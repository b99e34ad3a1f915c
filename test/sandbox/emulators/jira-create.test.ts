import { startJiraEmulator, type JiraEmulator } from '../../../sandbox/emulators/jira';
import { World } from '../../../sandbox/emulators/world';
import { fakeClock, fixture, shapeDiff } from './helpers';

const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

describe('Jira emulator: creating issues, links and status categories', () => {
  const clock = fakeClock();
  let world: World;
  let jira: JiraEmulator;
  const as = (who: string) => ({ authorization: `Bearer ${who === 'app' ? 'app' : `user:${who}`}`, 'content-type': 'application/json' });
  const get = (path: string, who = 'alice') => fetch(`${jira.url}${path}`, { headers: as(who) });
  const post = (path: string, body: unknown, who = 'alice') =>
    fetch(`${jira.url}${path}`, { method: 'POST', headers: as(who), body: JSON.stringify(body) });
  const create = (fields: Record<string, unknown>, who = 'alice') => post('/rest/api/3/issue', { fields }, who);
  const bug = (more: Record<string, unknown> = {}) => ({ project: { key: 'ED' }, issuetype: { name: 'Bug' }, summary: 'Checkout fails', description: adf('500 from /cart'), ...more });

  beforeEach(async () => {
    world = new World({ now: clock.now });
    world.createProject({ key: 'ED', name: 'Editor' });
    world.createProject({ key: 'RO', name: 'Read only' });
    for (const a of ['alice', 'bob']) world.addAccount({ accountId: a });
    world.grant('alice', 'BROWSE_PROJECTS');
    world.grant('alice', 'EDIT_ISSUES');
    world.grant('alice', 'CREATE_ISSUES', 'ED');
    world.grant('bob', 'BROWSE_PROJECTS');
    jira = await startJiraEmulator({ world });
  });
  afterEach(() => jira.close());

  it('creates an issue and answers 201 with id, key and self, as documented', async () => {
    const res = await create(bug());
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; key: string; self: string };
    const { transition: _t, ...documented } = fixture('jira/issue.create.response.json') as Record<string, unknown>;
    expect(shapeDiff(documented, body)).toEqual([]);
    const issue = world.findIssue(body.key)!;
    expect(world.typeOf(issue).name).toBe('Bug');
    expect(issue.description).toEqual(adf('500 from /cart'));
  });

  it('refuses a summary with a line break as Jira does, and creates nothing', async () => {
    for (const summary of ['Checkout\nfails', 'Checkout\r\nfails', 'Checkout\rfails']) {
      const res = await create(bug({ summary }));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errorMessages: [], errors: { summary: 'The summary is invalid because it contains newline characters.' } });
    }
    expect(world.listIssues()).toHaveLength(0);
    expect((await create(bug({ summary: 'Checkout\tfails' }))).status).toBe(201);
  });

  it('refuses a description that is not ADF with the captured 400', async () => {
    const res = await create(bug({ description: 'plain text' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(fixture('jira/issue.create.error.400.description-not-adf.json'));
    expect((await create(bug({ description: { type: 'doc', version: 1, content: [{ type: 'text' }] } }))).status).toBe(400);
  });

  it('refuses an issue type the project does not offer, and an unknown project, with the documented bodies', async () => {
    world.setProjectIssueTypes('ED', ['Task', 'Test']);
    const type = await create(bug());
    expect(type.status).toBe(400);
    expect(await type.json()).toEqual(fixture('jira/issue.create.error.400.invalid-issuetype.json'));
    const project = await create(bug({ project: { key: 'FACILITIES' } }));
    expect(project.status).toBe(400);
    expect(await project.json()).toEqual(fixture('jira/issue.create.error.400.project-value-unknown.json'));
  });

  it('requires what the project requires, naming the field as Jira does', async () => {
    world.requireField('ED', 'Bug', { id: 'customfield_10011', name: 'Epic Name' });
    const res = await create(bug());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(fixture('jira/issue.create.error.400.required-field.json'));
    expect((await create(bug({ customfield_10011: 'Payments' }))).status).toBe(201);
  });

  it('needs Create Issues in the project, which mypermissions reports', async () => {
    expect((await create(bug({ project: { key: 'RO' } }))).status).toBe(400);
    expect((await create(bug(), 'bob')).status).toBe(400);
    const perms = (await (await get('/rest/api/3/mypermissions?permissions=CREATE_ISSUES&projectKey=ED')).json()) as { permissions: Record<string, { havePermission: boolean }> };
    expect(perms.permissions['CREATE_ISSUES']?.havePermission).toBe(true);
    const ro = (await (await get('/rest/api/3/mypermissions?permissions=CREATE_ISSUES&projectKey=RO')).json()) as typeof perms;
    expect(ro.permissions['CREATE_ISSUES']?.havePermission).toBe(false);
    expect(world.listIssues()).toEqual([]);
  });

  it('links two issues ("Relates"): 201 with no body, shown in issuelinks of both', async () => {
    const test = world.createIssue({ projectKey: 'ED', type: 'Test', summary: 'Checkout' });
    const defect = world.createIssue({ projectKey: 'ED', type: 'Bug', summary: 'Checkout fails' });
    const { comment: _c, ...request } = fixture('jira/issuelink.create.request.json') as Record<string, unknown>;
    const res = await post('/rest/api/3/issueLink', { ...request, type: { name: 'Relates' }, inwardIssue: { key: test.key }, outwardIssue: { key: defect.key } });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('');
    const body = (await (await get(`/rest/api/3/issue/${defect.key}?fields=issuelinks`)).json()) as { fields: { issuelinks: Array<{ type: { name: string }; inwardIssue?: { key: string } }> } };
    expect(body.fields.issuelinks).toEqual([expect.objectContaining({ type: expect.objectContaining({ name: 'Relates' }), inwardIssue: expect.objectContaining({ key: test.key }) })]);
    expect((await post('/rest/api/3/issueLink', { type: { name: 'Nope' }, inwardIssue: { key: test.key }, outwardIssue: { key: defect.key } })).status).toBe(404);
    expect((await post('/rest/api/3/issueLink', { type: { name: 'Relates' }, inwardIssue: { key: test.key }, outwardIssue: { key: 'ED-999' } })).status).toBe(404);
  });

  it('reports status categories in the captured shape, and an issue moved to Done is done', async () => {
    const issue = world.createIssue({ projectKey: 'ED', type: 'Bug', summary: 'x' });
    const read = async () => ((await (await get(`/rest/api/3/issue/${issue.key}?fields=status`)).json()) as { fields: { status: { name: string; statusCategory: { key: string } } } }).fields.status;
    const before = await read();
    const captured = (fixture('jira/issue.get.response.with-status.json') as { fields: { status: unknown } }).fields.status;
    expect(shapeDiff(captured, before)).toEqual([]);
    expect(before.statusCategory.key).toBe('new');
    world.setIssueStatus(issue.key, 'Done', 'done');
    expect(await read()).toMatchObject({ name: 'Done', statusCategory: { key: 'done' } });
  });
});
