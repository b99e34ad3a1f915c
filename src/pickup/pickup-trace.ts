/**
 * The pick-up's trace as the admin page reads it (`SettingsView.setup.pickup`, contract section 8), and whether the
 * site has had a push-mode delivery (which turns the pick-up's default off).
 */
import type { PickupState } from '../shared/types';
import type { KvsPort } from '../store/kvs-port';
import { getMany } from '../store/kvs-port';
import { FIRST_PUSH_KEY, PICKUP_STATE_KEY, type PickupRecord } from '../store/pickup-store';
import { translateMessage } from '../i18n/translate';

/** The pick-up record and the first push delivery's mark, in one batch read. */
export async function readPickupTrace(kvs: KvsPort): Promise<{ record: PickupRecord; pushDeliverySeen: boolean }> {
  const found = await getMany<unknown>(kvs, [PICKUP_STATE_KEY, FIRST_PUSH_KEY]);
  const stored = found.get(PICKUP_STATE_KEY) as PickupRecord | undefined;
  const record = stored ? { ...stored, cursors: stored.cursors ?? {}, runsPickedUp: stored.runsPickedUp ?? 0 } : { on: false, runsPickedUp: 0, cursors: {} };
  return { record, pushDeliverySeen: found.has(FIRST_PUSH_KEY) };
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
