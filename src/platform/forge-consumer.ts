import { InvocationError, InvocationErrorCode } from '@forge/events';
import type { SyncAnswer, SyncEvent } from '../sync/sync-consumer';

/** The platform's bounds on a retry delay, in seconds. */
const MIN_RETRY_AFTER = 1;
const MAX_RETRY_AFTER = 900;

/**
 * Wraps the Forge-free consumer for `@forge/events`: a retry answer becomes the `InvocationError` the queue reads
 * (a thrown error would not be retried). Only this folder imports Forge.
 */
export function toForgeConsumer(handler: (event: SyncEvent) => Promise<SyncAnswer>) {
  return async (event: SyncEvent): Promise<InvocationError | void> => {
    const answer = await handler(event);
    if (!answer) return;
    const retryAfter = Math.min(MAX_RETRY_AFTER, Math.max(MIN_RETRY_AFTER, Math.ceil(answer.retryAfterSeconds)));
    return new InvocationError({ retryAfter, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST, retryData: { reason: answer.reason.slice(0, 500) } });
  };
}
