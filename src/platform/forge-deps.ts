import api, { assumeTrustedRoute, fetch as forgeFetch, webTrigger } from '@forge/api';
import { kvs } from '@forge/kvs';
import { Queue } from '@forge/events';
import { randomBytes } from 'node:crypto';
import type { AppDeps, FetchPort, HttpRequestInit, JiraPort, Logger, QueuePort } from '../ports';
import { systemClock } from '../ports';
import type { KvsPort } from '../store/kvs-port';

/** The queue the web trigger feeds and the `sync` consumer drains (manifest: consumer `xray-sync-consumer`). */
export const SYNC_QUEUE_KEY = 'xray-sync';
/** The web trigger module key (manifest). */
export const WEBTRIGGER_MODULE_KEY = 'execution-results';

function toForgeInit(init: HttpRequestInit = {}) {
  const { body, ...rest } = init;
  if (body === undefined || typeof body === 'string') return { ...rest, ...(body !== undefined ? { body } : {}) };
  // Forge's fetch takes an ArrayBuffer, not a Uint8Array view.
  return { ...rest, body: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer };
}

const fetchPort: FetchPort = (url, init) => forgeFetch(url, toForgeInit(init));

const jiraPort: JiraPort = {
  // Paths are built by src/jira with every dynamic part URL-encoded, so they are trusted routes here.
  asUser: () => (path, init) => api.asUser().requestJira(assumeTrustedRoute(path), toForgeInit(init)),
  asApp: () => (path, init) => api.asApp().requestJira(assumeTrustedRoute(path), toForgeInit(init)),
};

const queue = new Queue({ key: SYNC_QUEUE_KEY });
const queuePort: QueuePort = {
  async push(events) {
    await queue.push(events);
  },
};

const log: Logger = {
  info: (message, data) => console.log(JSON.stringify({ level: 'info', message, ...data })),
  warn: (message, data) => console.warn(JSON.stringify({ level: 'warn', message, ...data })),
  error: (message, data) => console.error(JSON.stringify({ level: 'error', message, ...data })),
};

/** The real dependencies on Forge. Built once per module load; none of them holds per-invocation state. */
export const forgeDeps: AppDeps = {
  kvs: kvs satisfies KvsPort,
  fetch: fetchPort,
  jira: jiraPort,
  queue: queuePort,
  clock: systemClock,
  log,
  webtriggerUrl: async () => {
    try {
      return await webTrigger.getUrl(WEBTRIGGER_MODULE_KEY);
    } catch {
      return undefined;
    }
  },
  randomHex: (bytes) => randomBytes(bytes).toString('hex'),
};
