import { SecretPresence, StoredSettings, withDefaults } from '../domain/settings';
import { KvsPort, getFew } from './kvs-port';
import { FIRST_RUN_SETUP_KEY } from './setup-store';
import { FIRST_PUSH_KEY } from './pickup-store';

/** The settings record's key, for callers that read it ahead with others. */
export const SETTINGS_KEY = 'settings';
/** Secret storage keys: encrypted, never queryable, never returned. */
export const SECRET_KEYS = {
  xrayClientSecret: 'secret:xray-client-secret',
  testsigmaApiKey: 'secret:testsigma-api-key',
  webtriggerSecret: 'secret:webtrigger',
} as const;

/** The secrets the backend holds. */
export interface Secrets {
  xrayClientSecret?: string;
  testsigmaApiKey?: string;
  webtriggerSecret?: string;
}

/** Settings and secrets over the key-value store. */
export class SettingsStore {
  constructor(private readonly kvs: KvsPort) {}

  /** The stored settings with defaults filled in (one KVS read). */
  async get(): Promise<StoredSettings> {
    return withDefaults(await this.kvs.get<Partial<StoredSettings>>(SETTINGS_KEY));
  }

  /**
   * The settings and whether the first job and the first push-mode delivery are recorded, read at once (the web
   * trigger's intake; three reads, not one of the minute's 45 batch operations): their times ride in the job's own
   * batch, so recording them costs no call of its own.
   */
  async getForIntake(): Promise<{ settings: StoredSettings; firstRunRecorded: boolean; firstPushRecorded: boolean }> {
    const found = await getFew<unknown>(this.kvs, [SETTINGS_KEY, FIRST_RUN_SETUP_KEY, FIRST_PUSH_KEY]);
    return {
      settings: withDefaults(found.get(SETTINGS_KEY) as Partial<StoredSettings> | undefined),
      firstRunRecorded: found.has(FIRST_RUN_SETUP_KEY),
      firstPushRecorded: found.has(FIRST_PUSH_KEY),
    };
  }

  /** Replaces the stored settings. */
  async put(settings: StoredSettings): Promise<void> {
    await this.kvs.set(SETTINGS_KEY, settings);
  }

  /** Reads one secret. */
  async secret(name: keyof Secrets): Promise<string | undefined> {
    const v = await this.kvs.getSecret<string>(SECRET_KEYS[name]);
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  /** Writes one secret (a blank value is never written: callers validate first). */
  async setSecret(name: keyof Secrets, value: string): Promise<void> {
    await this.kvs.setSecret(SECRET_KEYS[name], value);
  }

  /** Whether each secret is set, without returning any. */
  async presence(): Promise<SecretPresence> {
    const [c, a, w] = await Promise.all([this.secret('xrayClientSecret'), this.secret('testsigmaApiKey'), this.secret('webtriggerSecret')]);
    return { hasClientSecret: !!c, hasApiKey: !!a, hasWebtriggerSecret: !!w };
  }
}
