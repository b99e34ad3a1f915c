/**
 * The Xray bearer token, shared by every invocation of the site through KVS (memory does not outlive an invocation,
 * and each authenticate spends one of the site's scarce Xray requests).
 *
 * Storage choice: `kvs.setSecret`, with the expiry inside the value. A token is a credential good for 24 hours; a
 * secret is encrypted at rest and never comes back from `query()`, so no prefix listing of ours (the sync log, a
 * debugging dump) can ever leak it. The price is that secrets take no `ttl`: an old entry stays until it is
 * overwritten, one small entry per region and client id ever used. A plain key with `ttl` would clean itself up
 * but sit in queryable storage in clear; for a credential we take the encryption.
 *
 * The key is the region plus a hash of the client id and the client secret together: a new API key, a changed
 * secret (a typo included) or a region change reads another entry, so no client is served a token issued for
 * other credentials. The first version keyed by the client id alone; such an entry is never read, and is deleted
 * when a sign-in replaces it.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../ports';
import type { KvsPort } from '../store/kvs-port';
import type { XrayRegion } from '../shared/types';

/** What is stored under the token key (as a secret). */
export interface StoredToken {
  token: string;
  /** When we stop trusting the token (ms since epoch): an hour before Xray's documented 24 h. */
  expiresAt: number;
}

/** How long we trust a token: Xray says 24 h; an hour less covers clock skew and Xray's exact issue time. */
export const TOKEN_TRUST_MS = 23 * 3_600_000;
/**
 * A token this close to `expiresAt` is renewed before use, so it cannot expire in the middle of a run (the sync
 * consumer runs up to 900 s).
 */
export const TOKEN_RENEW_BEFORE_MS = 15 * 60_000;

/** The KVS secret key of a region and API key (client id and secret). */
export function tokenKey(region: XrayRegion, clientId: string, clientSecret: string): string {
  // A separator that neither value can hold keeps ("ab", "c") and ("a", "bc") apart.
  const digest = createHash('sha256').update(`${clientId.trim()}\u0000${clientSecret}`, 'utf8').digest('hex').slice(0, 32);
  return `xray:token:v2:${region}:${digest}`;
}

/** The first version's key (client id only), deleted once a sign-in stores the new entry. */
function firstVersionTokenKey(region: XrayRegion, clientId: string): string {
  const digest = createHash('sha256').update(clientId.trim(), 'utf8').digest('hex').slice(0, 32);
  return `xray:token:${region}:${digest}`;
}

function isStoredToken(v: unknown): v is StoredToken {
  if (!v || typeof v !== 'object') return false;
  const t = v as { token?: unknown; expiresAt?: unknown };
  return typeof t.token === 'string' && t.token.length > 0 && typeof t.expiresAt === 'number';
}

/**
 * One client's view of the shared token. Calls within one invocation share one KVS read and at most one
 * authenticate; concurrent invocations may each authenticate once when the token runs out (a rare, bounded cost
 * we accept rather than add a lock and its extra writes).
 */
export class TokenCache {
  private current?: StoredToken;
  private inflight?: Promise<string>;
  readonly key: string;
  private readonly oldKey: string;

  constructor(
    private readonly kvs: KvsPort,
    private readonly clock: Clock,
    region: XrayRegion,
    clientId: string,
    clientSecret: string,
    /** Spends one Xray request and answers a fresh token; `deadline` is the calling request's. */
    private readonly authenticate: (deadline?: number) => Promise<string>,
  ) {
    this.key = tokenKey(region, clientId, clientSecret);
    this.oldKey = firstVersionTokenKey(region, clientId);
  }

  /** The token last used by this client, if any (for redaction only). */
  get lastToken(): string | undefined {
    return this.current?.token;
  }

  private usable(t: StoredToken | undefined): t is StoredToken {
    return !!t && this.clock.now() < t.expiresAt - TOKEN_RENEW_BEFORE_MS;
  }

  /** A token good for at least the renewal margin: from memory, else KVS, else a new authenticate. */
  async get(deadline?: number): Promise<string> {
    if (this.usable(this.current)) return this.current.token;
    this.inflight ??= this.load(deadline).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(deadline?: number): Promise<string> {
    const stored = await this.kvs.getSecret<unknown>(this.key);
    if (isStoredToken(stored) && this.usable(stored)) {
      this.current = stored;
      return stored.token;
    }
    return this.fetchNew(deadline);
  }

  /**
   * Drops a token Xray refused (401) and authenticates again. The stored copy is deleted first, so that if the new
   * authenticate fails, other invocations do not keep spending requests on the refused token.
   */
  async renew(refused: string, deadline?: number): Promise<string> {
    if (this.current && this.current.token !== refused && this.usable(this.current)) return this.current.token;
    this.inflight ??= (async () => {
      this.current = undefined;
      await this.kvs.deleteSecret(this.key);
      return this.fetchNew(deadline);
    })().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Signs in afresh whatever is cached (a connection test must prove the credentials), and keeps the new token. */
  async fresh(deadline?: number): Promise<string> {
    this.current = undefined;
    return this.fetchNew(deadline);
  }

  private async fetchNew(deadline?: number): Promise<string> {
    const token = await this.authenticate(deadline);
    const entry: StoredToken = { token, expiresAt: this.clock.now() + TOKEN_TRUST_MS };
    this.current = entry;
    await this.kvs.setSecret(this.key, entry);
    // Once a day at most: an entry of the first version (keyed without the secret) must not linger.
    await this.kvs.deleteSecret(this.oldKey).catch(() => undefined);
    return token;
  }
}
