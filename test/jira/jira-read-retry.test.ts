/**
 * Panel reads of Jira ride out a transient fault (issue 17's busy site: an open answers its view, never `internal`
 * or `rate_limited`, for one 429 or 500 of Jira), over the Jira emulator: a read is tried again after a pause, a
 * write never is, and a fault that stays is answered as it came.
 */
import { getIssue, linkIssues } from '../../src/jira/jira-client';
import { JIRA_READ_PAUSES_MS, withReadRetries } from '../../src/jira/jira-read-retry';
import { JiraSite, startJiraSite } from '../support/jira-site';

let site: JiraSite;
beforeEach(async () => {
  site = await startJiraSite();
});
afterEach(() => site.close());

describe('Jira reads tried again', () => {
  it('a read that meets a 500 or a 429 once is answered by the next try, after a pause', async () => {
    const t = site.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Busy morning' });
    for (const faults of [site.jira.faults.serverErrors, site.jira.faults.rateLimited]) {
      faults.add(t.id);
      const pauses: number[] = [];
      // The fault clears while the read pauses, as a transient one does.
      const jira = withReadRetries(site.port, async (ms) => {
        pauses.push(ms);
        faults.delete(t.id);
      });
      expect(await getIssue(jira.asApp(), t.id)).toMatchObject({ id: t.id, key: t.key });
      expect(pauses).toEqual([JIRA_READ_PAUSES_MS[0]]);
    }
  });

  it('a fault that stays is answered as it came after three tries; a write is never sent twice', async () => {
    const t = site.world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Down' });
    site.jira.faults.serverErrors.add(t.id);
    const pauses: number[] = [];
    const jira = withReadRetries(site.port, async (ms) => void pauses.push(ms));
    site.jira.counters.reset();
    await expect(getIssue(jira.asApp(), t.id)).rejects.toMatchObject({ name: 'JiraError', status: 500 });
    expect(pauses).toEqual([...JIRA_READ_PAUSES_MS]);
    expect(site.jira.counters.total()).toBe(3);
    // A link between two issues (a POST that changes something) is sent once, whatever Jira answers.
    site.jira.counters.reset();
    await expect(linkIssues(jira.asApp(), 'Relates', t.key, 'NOPE-1')).rejects.toBeDefined();
    expect(site.jira.counters.total()).toBe(1);
    expect(pauses).toHaveLength(JIRA_READ_PAUSES_MS.length);
  });
});
