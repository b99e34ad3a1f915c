/**
 * What a "Get started" checklist reads (contract section 2, `SettingsView.setup`) beside the settings:
 * - `setup:connection`: the outcome of the last connection test per side, and the Xray statuses it read;
 * - `setup:firstRun`: when the first job arrived, written once, in the web trigger's own batch.
 */
import type { SetupState } from '../shared/types';
import type { KvsPort } from './kvs-port';
import { getMany } from './kvs-port';
import type { KvsItem } from './job-store';

const CONNECTION_KEY = 'setup:connection';
const FIRST_RUN_KEY = 'setup:firstRun';

/** The last connection test, as stored. */
export interface ConnectionOutcome {
  xray?: 'ok' | 'failed';
  testsigma?: 'ok' | 'failed';
  xrayStatuses?: string[];
  /** When the test that gave `xray` ran (ISO 8601). */
  xrayAt?: string;
  /** When the test that gave `testsigma` ran (ISO 8601). */
  testsigmaAt?: string;
}

/** The setup records over the key-value store. */
export class SetupStore {
  constructor(private readonly kvs: KvsPort) {}

  /** Both records in one batch read. */
  async read(): Promise<{ connection: ConnectionOutcome; firstRunAt?: string }> {
    const found = await getMany<unknown>(this.kvs, [CONNECTION_KEY, FIRST_RUN_KEY]);
    const connection = (found.get(CONNECTION_KEY) as ConnectionOutcome | undefined) ?? {};
    const first = found.get(FIRST_RUN_KEY) as { at?: unknown } | undefined;
    return { connection, ...(typeof first?.at === 'string' ? { firstRunAt: first.at } : {}) };
  }

  async putConnection(outcome: ConnectionOutcome): Promise<void> {
    await this.kvs.set(CONNECTION_KEY, outcome);
  }
}

/** The item that records the first job's time; the web trigger adds it to its batch while none is stored. */
export function firstRunItem(at: string): KvsItem {
  return { key: FIRST_RUN_KEY, value: { at } };
}

/** The key the web trigger reads with the settings, to know whether the first run is recorded. */
export const FIRST_RUN_SETUP_KEY = FIRST_RUN_KEY;

/**
 * The checklist's view: a side is `unknown` until a connection test ran with the credentials now saved (saving new
 * ones forgets the outcome), and Testsigma is `not_set` while it has no API key.
 */
export function toSetupState(
  read: { connection: ConnectionOutcome; firstRunAt?: string },
  presence: { hasApiKey: boolean; hasWebtriggerSecret: boolean },
): SetupState {
  const c = read.connection;
  return {
    xray: c.xray ?? 'unknown',
    testsigma: presence.hasApiKey ? (c.testsigma ?? 'unknown') : 'not_set',
    secretCreated: presence.hasWebtriggerSecret,
    ...(read.firstRunAt ? { firstRunAt: read.firstRunAt } : {}),
    ...(c.xrayStatuses ? { xrayStatuses: [...c.xrayStatuses] } : {}),
    ...(c.xray && c.xrayAt ? { xrayTestedAt: c.xrayAt } : {}),
    ...(presence.hasApiKey && c.testsigma && c.testsigmaAt ? { testsigmaTestedAt: c.testsigmaAt } : {}),
  };
}
