/**
 * The pick-up's trace as the admin page reads it (`SettingsView.setup.pickup`, contract section 8), and whether the
 * site has had a push-mode delivery (which turns the pick-up's default off).
 */
import type { PickupState } from '../shared/types';
import type { KvsPort } from '../store/kvs-port';
import { FIRST_PUSH_KEY, PICKUP_STATE_KEY, pickupRecordOf, type PickupRecord } from '../store/pickup-store';
import { translateMessage } from '../i18n/translate';

/**
 * The pick-up record and the first push delivery's mark: two plain reads, not a batch, because Forge allows an
 * installation only 45 batch operations a minute and the admin page's view already spends one.
 */
export async function readPickupTrace(kvs: KvsPort): Promise<{ record: PickupRecord; pushDeliverySeen: boolean }> {
  const [stored, firstPush] = await Promise.all([kvs.get<PickupRecord>(PICKUP_STATE_KEY), kvs.get<unknown>(FIRST_PUSH_KEY)]);
  return { record: pickupRecordOf(stored), pushDeliverySeen: firstPush !== undefined };
}

/** The admin page's view of the pick-up, its problem in the admin's language. */
export function pickupStateView(rec: PickupRecord, on: boolean, locale: unknown): PickupState {
  return {
    on,
    ...(rec.lastRoundAt ? { lastRoundAt: rec.lastRoundAt } : {}),
    runsPickedUp: rec.runsPickedUp,
    ...(rec.problem ? { problem: translateMessage(locale, rec.problem) } : {}),
  };
}
