import { useState } from 'react';
import type { SettingsPatch, SettingsView } from '../../shared/types';
import type { AdminCaller } from '../invoke';

/** How the last save went. */
export type SaveOutcome = { ok: true } | { ok: false; message: string };

/**
 * Saving a settings patch, shared by the Connection and Mapping tabs. On success the stored settings come back and
 * replace the page's copy; on failure nothing was stored, so the caller keeps its edits for the user to fix.
 */
export function useSaveSettings(call: AdminCaller, onSaved: (settings: SettingsView) => void) {
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<SaveOutcome>();
  const save = async (patch: SettingsPatch): Promise<boolean> => {
    setSaving(true);
    setOutcome(undefined);
    const answer = await call('saveSettings', patch);
    setSaving(false);
    if (!answer.ok) {
      setOutcome({ ok: false, message: answer.error.message });
      return false;
    }
    onSaved(answer.data);
    setOutcome({ ok: true });
    return true;
  };
  return { saving, outcome, save };
}
