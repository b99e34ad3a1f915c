import { startJiraEmulator, type JiraEmulator } from '../../../sandbox/emulators/jira';
import { World } from '../../../sandbox/emulators/world';

/** `GET /rest/api/3/project/search` as Jira documents it ("Get projects paginated"): a page of `values`. */
describe('Jira emulator: project search', () => {
  let world: World;
  let jira: JiraEmulator;
  const get = (path: string, who: string) => fetch(`${jira.url}${path}`, { headers: { authorization: `Bearer user:${who}` } });

  beforeEach(async () => {
    world = new World();
    world.createProject({ key: 'DIS', name: 'Discourse', id: '10000' });
    world.createProject({ key: 'SEC', name: 'Secret' });
    world.createProject({ key: 'QA', name: 'Quality' });
    world.addAccount({ accountId: 'alice' });
    world.grant('alice', 'BROWSE_PROJECTS', 'DIS');
    world.grant('alice', 'BROWSE_PROJECTS', 'QA');
    jira = await startJiraEmulator({ world });
  });
  afterEach(() => jira.close());

  it('pages the projects the caller may browse, by key, with isLast and nextPage', async () => {
    const first = (await (await get('/rest/api/3/project/search?maxResults=1', 'alice')).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false, values: [{ id: '10000', key: 'DIS', name: 'Discourse', projectTypeKey: 'software' }] });
    expect(String(first.nextPage)).toContain('startAt=1');
    const second = (await (await get('/rest/api/3/project/search?maxResults=1&startAt=1', 'alice')).json()) as Record<string, unknown>;
    expect(second).toMatchObject({ startAt: 1, isLast: true, values: [{ key: 'QA' }] });
    expect(second.nextPage).toBeUndefined();
  });

  it('matches the query against keys and names, case-insensitively, never a project the caller cannot see', async () => {
    const byName = (await (await get('/rest/api/3/project/search?query=qual', 'alice')).json()) as { values: Array<{ key: string }> };
    expect(byName.values.map((p) => p.key)).toEqual(['QA']);
    const hidden = (await (await get('/rest/api/3/project/search?query=sec', 'alice')).json()) as { total: number; values: unknown[] };
    expect(hidden).toMatchObject({ total: 0, values: [] });
  });
});
