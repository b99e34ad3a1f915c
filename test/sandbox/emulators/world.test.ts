import { startJiraEmulator } from '../../../sandbox/emulators/jira';
import { World, WorldError } from '../../../sandbox/emulators/world';
import { fakeClock, fixture, shapeDiff } from './helpers';

describe('World', () => {
  function world() {
    const clock = fakeClock();
    const w = new World({ now: clock.now });
    w.createProject({ key: 'PROJ' });
    w.createProject({ key: 'OTHER' });
    return { w, clock };
  }

  it('numbers keys per project and keeps ids on a move', () => {
    const { w } = world();
    const a = w.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'a' });
    const b = w.createIssue({ projectKey: 'PROJ', type: 'Test Set', summary: 'b' });
    expect([a.key, b.key]).toEqual(['PROJ-1', 'PROJ-2']);
    const moved = w.moveIssue(a.id, 'OTHER');
    expect(moved).toEqual({ id: a.id, key: 'OTHER-1' });
    expect(w.findIssue('PROJ-1')?.key).toBe('OTHER-1');
    expect(w.findIssue('proj-1')?.id).toBe(a.id);
  });

  it('deletes an issue with its Xray data; its keys stop resolving', () => {
    const { w } = world();
    const t = w.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 't' });
    const set = w.createIssue({ projectKey: 'PROJ', type: 'Test Set', summary: 's' });
    const exec = w.createIssue({ projectKey: 'PROJ', type: 'Test Execution', summary: 'e' });
    w.addTestsToTestSet(set.id, [t.key]);
    w.upsertRun(exec.id, t.id, { status: 'PASSED' });
    w.deleteIssue(t.key);
    expect(w.findIssue(t.key)).toBeUndefined();
    expect(w.testSetTestIds(set.id)).toEqual([]);
    expect(w.listRuns()).toEqual([]);
    expect(w.listTestExecutions()[0]?.runs).toEqual([]);
  });

  it('refuses bad references and wrong kinds', () => {
    const { w } = world();
    const task = w.createIssue({ projectKey: 'PROJ', type: 'Task', summary: 't' });
    const set = w.createIssue({ projectKey: 'PROJ', type: 'Test Set', summary: 's' });
    expect(() => w.createIssue({ projectKey: 'NOPE', type: 'Test', summary: 'x' })).toThrow(WorldError);
    expect(() => w.addTestsToTestSet(set.id, [task.id])).toThrow(/not a test/);
    expect(() => w.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'x', number: 1 })).toThrow(/exists/);
  });

  it('follows renamed issue types', () => {
    const { w } = world();
    w.renameIssueType('Test', 'Testfall');
    const t = w.createIssue({ projectKey: 'PROJ', type: 'Testfall', summary: 'x' });
    expect(w.kindOf(w.requireIssue(t.id))).toBe('test');
  });

  it('models project, wildcard, global and app permissions', () => {
    const { w } = world();
    w.addAccount({ accountId: 'u' });
    const other = w.findProject('OTHER')?.id;
    w.grant('u', 'BROWSE_PROJECTS', 'PROJ');
    expect(w.hasPermission('u', 'BROWSE_PROJECTS', other)).toBe(false);
    expect(w.hasPermission('u', 'BROWSE_PROJECTS')).toBe(true);
    w.grant('u', 'EDIT_ISSUES', '*');
    expect(w.hasPermission('u', 'EDIT_ISSUES', other)).toBe(true);
    expect(w.hasPermission('u', 'ADMINISTER')).toBe(false);
    w.grant('u', 'ADMINISTER');
    expect(w.hasPermission('u', 'ADMINISTER')).toBe(true);
    w.revoke('u', 'ADMINISTER');
    expect(w.hasPermission('u', 'ADMINISTER')).toBe(false);
    expect(w.hasPermission('app', 'BROWSE_PROJECTS', other)).toBe(true);
    expect(w.hasPermission('app', 'ADMINISTER')).toBe(false);
  });

  it('makes changes visible to search only after the lag', () => {
    const { w, clock } = world();
    w.setSearchIndexLagMs(1000);
    const t = w.createIssue({ projectKey: 'PROJ', type: 'Test', summary: 'x' });
    const issue = w.requireIssue(t.id);
    expect(w.isSearchable(issue)).toBe(false);
    clock.advance(1000);
    expect(w.isSearchable(issue)).toBe(true);
    w.updateIssue(t.id, { labels: ['new'] });
    expect(w.isSearchable(issue)).toBe(false);
  });

  it('lists issue types through the Jira emulator in the captured shape', async () => {
    const { w } = world();
    const jira = await startJiraEmulator({ world: w });
    try {
      const res = await fetch(`${jira.url}/rest/api/3/issuetype`, { headers: { authorization: 'Bearer app' } });
      const body = (await res.json()) as Array<{ name: string }>;
      const captured = fixture<Array<Record<string, unknown>>>('jira/issuetype.list.response.xray-types.json');
      // The captured list's second entry carries a project scope (team-managed); compare with a global one.
      expect(shapeDiff([captured[0]], body)).toEqual([]);
      expect(body.map((t) => t.name)).toEqual(expect.arrayContaining(['Test', 'Test Set', 'Test Plan', 'Test Execution', 'Precondition']));
    } finally {
      await jira.close();
    }
  });
});
