/** The panel's link rules against findings 4 and 5 (issue 10), over the Jira emulator. */
import { createPanelResolver } from '../../src/resolvers/panel-resolver';
import type { Envelope, PanelView } from '../../src/shared/types';
import { JiraSite, startJiraSite } from '../support/jira-site';

let site: JiraSite;
let panel: ReturnType<typeof createPanelResolver>;
const clock = { now: () => Date.parse('2026-11-30T10:00:00Z') };

beforeEach(async () => {
  site = await startJiraSite();
  panel = createPanelResolver({ kvs: site.kvs, jira: site.port, clock, log: site.log });
});
afterEach(() => site.close());

function call(key: 'getPanel' | 'link', who: string, issue: { id: string; key: string }, payload: unknown = {}) {
  return panel[key]!({ payload, context: { accountId: who, extension: { issue } } }) as Promise<Envelope<PanelView>>;
}
function ok(env: Envelope<PanelView>): PanelView {
  if (!env.ok) throw new Error(`expected ok, got ${env.error.code}: ${env.error.message}`);
  return env.data;
}

describe('finding 4: an owning Test the app cannot read right now keeps its links', () => {
  it.each([
    ['answers 500 for it', (id: string) => site.jira.faults.serverErrors.add(id)],
    ['lists it in bulkfetch issueErrors', (id: string) => site.jira.faults.issueErrors.add(id)],
  ])('when Jira %s, link answers internal and changes nothing', async (_what, fault) => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    fault(site.issues.test1.id);
    const before = site.kvs.snapshot();
    const answer = await call('link', 'alice', site.issues.test2, { testsigmaId: '609' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(site.kvs.snapshot()).toEqual(before);
    site.jira.faults.serverErrors.clear();
    site.jira.faults.issueErrors.clear();
    expect(ok(await call('getPanel', 'alice', site.issues.test1)).links.map((l) => l.testsigmaId)).toEqual(['609']);
  });
});

describe('Jira rate limiting a read the panel needs (contract section 2: rate_limited)', () => {
  it('link answers rate_limited, says to try again, and changes nothing', async () => {
    ok(await call('link', 'alice', site.issues.test1, { testsigmaId: '609' }));
    site.jira.faults.rateLimited.add(site.issues.test1.id);
    const before = site.kvs.snapshot();
    const answer = await call('link', 'alice', site.issues.test2, { testsigmaId: '609' });
    expect(answer).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/Jira.*Try again/) } });
    expect(site.kvs.snapshot()).toEqual(before);
  });
});

describe('finding 5: already_linked never names a Test the user cannot browse', () => {
  it('says "linked to another Test you cannot see" when the owner is hidden from the user', async () => {
    ok(await call('link', 'alice', site.issues.secretTest, { testsigmaId: '777' }));
    const answer = await call('link', 'mallory', site.issues.test1, { testsigmaId: '777' });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'already_linked', message: 'Testsigma test case 777 is already linked to another Test you cannot see. Ask someone who can see it to unlink it there first.' },
    });
    expect(JSON.stringify(answer)).not.toContain(site.issues.secretTest.key);
  });

  it('still names a Test the user can browse', async () => {
    ok(await call('link', 'alice', site.issues.test2, { testsigmaId: '778' }));
    const answer = await call('link', 'mallory', site.issues.test1, { testsigmaId: '778' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'already_linked', message: `Testsigma test case 778 is already linked to ${site.issues.test2.key}. Unlink it there first.` } });
  });
});
