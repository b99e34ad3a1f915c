import { World } from '../../sandbox/emulators/world';
import { startJiraEmulator, JiraEmulator } from '../../sandbox/emulators/jira';
import { createSandboxJira } from '../../sandbox/forge/sandbox-http';
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { collectingLogger } from '../../sandbox/forge/memory-log';
import type { JiraPort, Logger } from '../../src/ports';

/** A seeded Jira site on loopback: project DEMO with Xray issues, and accounts with different rights. */
export interface JiraSite {
  world: World;
  jira: JiraEmulator;
  port: JiraPort;
  kvs: MemoryKvs;
  log: Logger & { lines: string[] };
  issues: { test1: Id; test2: Id; set: Id; plan: Id; task: Id; secretTest: Id };
  close(): Promise<void>;
}
type Id = { id: string; key: string };

/**
 * Starts a Jira emulator with: alice (browse + edit everywhere), bob (browse only), mallory (nothing in SEC),
 * admin (Jira administrator). Project SEC is visible to alice only.
 */
export async function startJiraSite(): Promise<JiraSite> {
  const world = new World();
  world.createProject({ key: 'DEMO' });
  world.createProject({ key: 'SEC' });
  world.createProject({ key: 'OTHER' });
  for (const accountId of ['alice', 'bob', 'mallory', 'admin']) world.addAccount({ accountId });
  world.grant('alice', 'BROWSE_PROJECTS');
  world.grant('alice', 'EDIT_ISSUES');
  world.grant('bob', 'BROWSE_PROJECTS', 'DEMO');
  world.grant('mallory', 'BROWSE_PROJECTS', 'DEMO');
  world.grant('mallory', 'EDIT_ISSUES', 'DEMO');
  world.grant('admin', 'BROWSE_PROJECTS');
  world.grant('admin', 'EDIT_ISSUES');
  world.grant('admin', 'ADMINISTER');
  const issues = {
    test1: world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Login works' }),
    test2: world.createIssue({ projectKey: 'DEMO', type: 'Test', summary: 'Logout works' }),
    set: world.createIssue({ projectKey: 'DEMO', type: 'Test Set', summary: 'Smoke' }),
    plan: world.createIssue({ projectKey: 'DEMO', type: 'Test Plan', summary: 'Release 1.4' }),
    task: world.createIssue({ projectKey: 'DEMO', type: 'Task', summary: 'Not a test' }),
    secretTest: world.createIssue({ projectKey: 'SEC', type: 'Test', summary: 'Hidden' }),
  };
  const jira = await startJiraEmulator({ world });
  return {
    world,
    jira,
    port: createSandboxJira(jira.url),
    kvs: new MemoryKvs(),
    log: collectingLogger(),
    issues,
    close: () => jira.close(),
  };
}
