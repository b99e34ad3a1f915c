import { bulkFetchIssues, searchIssues } from '../../src/jira/jira-client';
import { JiraSite, startJiraSite } from '../support/jira-site';

let site: JiraSite;
beforeEach(async () => {
  site = await startJiraSite();
});
afterEach(() => site.close());

describe('bulkFetchIssues', () => {
  it('reads 250 issues in 100-id requests with their current keys, leaving out missing ids', async () => {
    const made = Array.from({ length: 250 }, (_, i) => site.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: `T${i}` }));
    const moved = site.world.moveIssue(made[7]!.id, 'OTHER');
    site.jira.counters.reset();
    const found = await bulkFetchIssues(site.port.asApp(), [...made.map((m) => m.id), made[0]!.id, '99999999']);
    expect(site.jira.counters.get('POST /rest/api/3/issue/bulkfetch')).toBe(3);
    expect(found.size).toBe(250);
    expect(found.get(made[7]!.id)?.key).toBe(moved.key);
    expect(found.get(made[249]!.id)).toMatchObject({ key: made[249]!.key, typeName: 'Test', projectKey: 'DEMO' });
    expect(found.has('99999999')).toBe(false);
  });
});

describe('finding 12: bulkfetch issueErrors over the Jira emulator', () => {
  it('an issue Jira lists in issueErrors is not read as deleted: the read fails as retriable, and a 500 for one issue too', async () => {
    const t = site.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Flaky read' });
    site.jira.faults.issueErrors.add(t.id);
    await expect(bulkFetchIssues(site.port.asApp(), [t.id, site.issues.test1.id])).rejects.toMatchObject({ name: 'JiraError', status: 503 });
    site.jira.faults.issueErrors.clear();
    site.jira.faults.serverErrors.add(t.id);
    await expect(bulkFetchIssues(site.port.asApp(), [t.id])).rejects.toMatchObject({ name: 'JiraError', status: 500 });
    site.jira.faults.serverErrors.clear();
    expect((await bulkFetchIssues(site.port.asApp(), [t.id])).get(t.id)?.key).toBe(t.key);
  });
});

describe('finding 13: enhanced search pages on nextPageToken', () => {
  it('follows nextPageToken to the last page when Jira leaves out the optional isLast', async () => {
    for (let i = 0; i < 130; i++) site.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: `L${i}`, labels: ['paged'] });
    site.jira.faults.omitIsLast = true;
    const found = await searchIssues(site.port.asApp(), 'labels = "paged"', 500);
    expect(found).toHaveLength(130);
  });
});
