/**
 * Signatures the web trigger has accepted, each with the job its POST made (contract section 8): a signature seen
 * again within its window is a replay or an honest retry, and either gets the first answer. `sig:<v1>` lives as long
 * as a signature can be fresh: 300 s either side of the app's clock, plus a margin.
 */
import { claimKey, type KvsPort } from './kvs-port';

/** What a seen signature keeps. */
export interface SeenSignature {
  jobId: string;
}

const TTL_SECONDS = 2 * 300 + 60;
const keyOf = (signature: string) => `sig:${signature.toLowerCase()}`;

/** Claims and releases accepted signatures. */
export class SignatureStore {
  constructor(private readonly kvs: KvsPort) {}

  /** Records the signature for `jobId`, atomically; answers the job of the first POST when it was already seen. */
  async claim(signature: string, jobId: string): Promise<{ first: true } | { first: false; jobId: string }> {
    const r = await claimKey<SeenSignature>(this.kvs, keyOf(signature), { jobId }, { ttl: { value: TTL_SECONDS, unit: 'SECONDS' } });
    return r.won ? { first: true } : { first: false, jobId: r.holder.jobId };
  }

  /** Forgets the signature: its POST made no job (storage or the queue refused), so the same request may try again. */
  async release(signature: string): Promise<void> {
    await this.kvs.delete(keyOf(signature));
  }
}
