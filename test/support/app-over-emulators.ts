/**
 * The app as `createApp` builds it, over the sandbox's Jira and Xray emulators (the app calls the real EU Xray host;
 * the routing fetch delivers it to the emulator), with Xray set up as an admin would have saved it. For resolver
 * tests over HTTP that need no queue.
 */
import { MemoryKvs } from '../../sandbox/forge/memory-kvs';
import { World } from '../../sandbox/emulators/world';
import { startJiraEmulator } from '../../sandbox/emulators/jira';
import { startXrayEmulator } from '../../sandbox/emulators/xray';
import { createRoutingFetch, createSandboxJira } from '../../sandbox/forge/sandbox-http';
import { collectingLogger } from '../../sandbox/forge/memory-log';
import { createApp, type App } from '../../src/app';
import { SettingsStore } from '../../src/store/settings-store';
import { withDefaults } from '../../src/domain/settings';
import type { Clock } from '../../src/ports';

/** What {@link appOverEmulators} needs: the emulators' addresses, the Xray API key they accept, the clock. */
export interface AppOverEmulatorsOptions {
  jiraUrl: string;
  xrayUrl: string;
  xray: { clientId: string; clientSecret: string };
  clock: Clock;
  /** The character random ids are made of, so two sites in one test tell their ids apart. */
  randomChar?: string;
}

/** The app and its storage, Xray configured in the EU region. */
export async function appOverEmulators(o: AppOverEmulatorsOptions): Promise<{ app: App; kvs: MemoryKvs }> {
  const kvs = new MemoryKvs({ now: o.clock.now });
  const settings = new SettingsStore(kvs);
  const base = withDefaults(undefined);
  await settings.put({ ...base, xray: { ...base.xray, region: 'eu', clientId: o.xray.clientId } });
  await settings.setSecret('xrayClientSecret', o.xray.clientSecret);
  const app = createApp({
    kvs,
    fetch: createRoutingFetch({ 'eu.xray.cloud.getxray.app': o.xrayUrl }, {}),
    jira: createSandboxJira(o.jiraUrl),
    queue: { push: async () => undefined },
    clock: o.clock,
    log: collectingLogger(),
    webtriggerUrl: async () => undefined,
    randomHex: (n) => (o.randomChar ?? 'a').repeat(n * 2),
  });
  return { app, kvs };
}

/** A world with the Jira and Xray emulators on loopback and the app over them; `close` stops both emulators. */
export async function startAppSite(o: { clock: Clock; randomChar?: string }): Promise<{ world: World; app: App; kvs: MemoryKvs; close(): Promise<void> }> {
  const world = new World({ now: o.clock.now });
  const xrayKey = { clientId: 'site-client', clientSecret: 'site-secret-0123456789' };
  const jira = await startJiraEmulator({ world });
  const xray = await startXrayEmulator({ world, dataRegion: 'eu', clients: [xrayKey], now: o.clock.now });
  const { app, kvs } = await appOverEmulators({ jiraUrl: jira.url, xrayUrl: xray.url, xray: xrayKey, clock: o.clock, ...(o.randomChar ? { randomChar: o.randomChar } : {}) });
  return { world, app, kvs, close: async () => void (await Promise.all([jira.close(), xray.close()])) };
}
