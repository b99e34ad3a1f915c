import { bulkFetchIssues } from '../../src/jira/jira-client';
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
