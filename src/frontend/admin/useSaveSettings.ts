import { useState } from 'react';
import type { SettingsPatch, SettingsView } from '../../shared/types';
import type { ShownError } from '../common/ErrorMessage';
import type { AdminCaller } from '../invoke';

/**
 * Saving a settings patch, shared by the Connection and Mapping tabs. On success the stored settings come back and
 * replace the page's copy; on failure nothing was stored, so the caller keeps its edits for the user to fix.
 */
export function useSaveSettings(call: AdminCaller, onSaved: (settings: SettingsView) => void) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ShownError>();
  const save = async (patch: SettingsPatch): Promise<boolean> => {
    setSaving(true);
    setError(undefined);
    const answer = await call('saveSettings', patch);
    setSaving(false);
    if (!answer.ok) {
      setError(answer.error);
      return false;
    }
    onSaved(answer.data);
    return true;
  };
  // The user acting again (an edit) makes an old refusal stale: it goes rather than stand beside the new input.
  const clearError = () => setError(undefined);
  return { saving, error, save, clearError };
}
