/**
 * A Test the app cannot read is not a deleted Test (issue 18 item 2), over HTTP against the emulators: Jira answers
 * 404 for a hidden issue as for a deleted one, so linking one of its cases elsewhere changes nothing and answers
 * `already_linked`; only the deletion trigger frees a Test's cases, and a Jira admin can free one case (`freeCase`).
 */
import { World } from '../../sandbox/emulators/world';
import { startJiraEmulator, type JiraEmulator } from '../../sandbox/emulators/jira';
import { startXrayEmulator, type XrayEmulator } from '../../sandbox/emulators/xray';
import { appOverEmulators } from '../support/app-over-emulators';
import { LinkStore } from '../../src/store/link-store';
import type { App } from '../../src/app';
import type { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import type { Envelope, PanelView } from '../../src/shared/types';

const XRAY = { clientId: 'hidden-client', clientSecret: 'hidden-secret-0123456789' };

let world: World;
let jira: JiraEmulator;
let xray: XrayEmulator;
let app: App;
let kvs: MemoryKvs;
let hiddenTest: { id: string; key: string };
let demoTest: { id: string; key: string };

const panel = async (key: string, as: string, issue: { id: string; key: string }, payload: unknown) =>
  (await app.panelResolver[key]!({ payload, context: { accountId: as, extension: { issue } } })) as Envelope<PanelView>;
const admin = async (key: string, as: string, payload: unknown) => (await app.adminResolver[key]!({ payload, context: { accountId: as } })) as Envelope<unknown>;

/** The app loses sight of project HID (its permission scheme leaves the app out), as an admin could set it up. */
function hideFromApp(projectKey: string): void {
  const visible = world.listProjects().filter((p) => p.key !== projectKey);
  world.appPermissions.clear();
  for (const p of visible) world.appPermissions.set(p.id, new Set(['BROWSE_PROJECTS', 'EDIT_ISSUES', 'CREATE_ISSUES']));
}

beforeEach(async () => {
  const clock = { now: () => Date.parse('2026-12-01T08:00:00Z') };
  world = new World({ now: clock.now });
  world.createProject({ key: 'DEMO' });
  world.createProject({ key: 'HID' });
  for (const a of ['alice', 'carol', 'admin']) world.addAccount({ accountId: a });
  world.grant('alice', 'BROWSE_PROJECTS');
  world.grant('alice', 'EDIT_ISSUES');
  world.grant('carol', 'BROWSE_PROJECTS', 'DEMO');
  world.grant('carol', 'EDIT_ISSUES', 'DEMO');
  world.grant('admin', 'ADMINISTER');
  world.grant('admin', 'BROWSE_PROJECTS', 'DEMO');
  jira = await startJiraEmulator({ world });
  xray = await startXrayEmulator({ world, dataRegion: 'eu', clients: [XRAY], now: clock.now });
  ({ app, kvs } = await appOverEmulators({ jiraUrl: jira.url, xrayUrl: xray.url, xray: XRAY, clock }));
  hiddenTest = world.createIssue({ projectKey: 'HID', type: 'Test', summary: 'Hidden later' });
  demoTest = world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Visible' });
  for (const id of ['601', '602', '603']) expect((await panel('link', 'alice', hiddenTest, { testsigmaId: id })).ok).toBe(true);
  hideFromApp('HID');
});
afterEach(async () => {
  await Promise.all([jira.close(), xray.close()]);
});

const linksOf = async (issueId: string) => (await new LinkStore(kvs).listForIssue(issueId)).map((l) => l.testsigmaId).sort();

describe('a Test the app cannot read', () => {
  test('linking one of its cases elsewhere answers already_linked and leaves all its links where they are', async () => {
    const before = kvs.snapshot();
    for (const who of ['alice', 'carol']) {
      const res = await panel('link', who, demoTest, { testsigmaId: '601' });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.code).toBe('already_linked');
    }
    expect(await linksOf(hiddenTest.id)).toEqual(['601', '602', '603']);
    expect(await linksOf(demoTest.id)).toEqual([]);
    expect(kvs.snapshot()).toEqual(before);
  });

  test('carol, who cannot browse it either, is told the case is linked to a Test she cannot see, and what an admin can do, without its key', async () => {
    const res = await panel('link', 'carol', demoTest, { testsigmaId: '601' });
    expect(res).toEqual({ ok: false, error: { code: 'already_linked', message: expect.stringContaining('another Test you cannot see') } });
    if (!res.ok) {
      expect(res.error.message).not.toContain(hiddenTest.key);
      expect(res.error.message).toMatch(/ask a Jira admin to free the case/);
    }
  });

  test('a Jira admin frees that one case with freeCase; its other links stay, and the case can then be linked', async () => {
    expect(await admin('freeCase', 'admin', { testsigmaId: '601' })).toEqual({ ok: true, data: { freed: true } });
    expect(await linksOf(hiddenTest.id)).toEqual(['602', '603']);
    expect((await panel('link', 'carol', demoTest, { testsigmaId: '601' })).ok).toBe(true);
    expect(await linksOf(demoTest.id)).toEqual(['601']);
  });

  test('freeCase refuses anyone but a Jira admin, frees nothing the app can read, and says so for an unknown case', async () => {
    expect(await admin('freeCase', 'alice', { testsigmaId: '601' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await panel('link', 'alice', demoTest, { testsigmaId: '700' })).ok).toBe(true);
    expect(await admin('freeCase', 'admin', { testsigmaId: '700' })).toEqual({ ok: true, data: { freed: false, heldBy: demoTest.key } });
    expect(await admin('freeCase', 'admin', { testsigmaId: '999' })).toEqual({ ok: true, data: { freed: false } });
    expect(await admin('freeCase', 'admin', { testsigmaId: 'not an id' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await linksOf(hiddenTest.id)).toEqual(['601', '602', '603']);
    expect(await linksOf(demoTest.id)).toEqual(['700']);
  });
});
