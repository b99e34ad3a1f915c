/** What one run says about the release, shared by the newest run's summary and the recent runs' rows. */
import { Inline, Text } from '@forge/react';
import type { Translator } from '../common/i18n';
import { statusCounts } from '../common/statusLozenge';
import { stateLozenge } from '../common/jobCells';
import { syncNeedsAttention, type RunGroup } from './panelModel';

/**
 * A run's outcome: its results by Xray status ("4 PASSED", "2 FAILED"), then what did not reach Xray ("1 not
 * linked", "2 not synced"), and the Tests it created for cases linked to none ("1 Test created"). A run whose jobs
 * predate the counts by status says how many were synced instead. A plain function: DynamicTable calls cell
 * components as functions, where hooks would break.
 */
export function runOutcome(t: Translator, run: RunGroup) {
  const byStatus = run.statuses && Object.values(run.statuses).some((n) => n > 0) ? run.statuses : undefined;
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      {byStatus ? statusCounts(t, byStatus) : <Text>{t('panel.runs.counts', { synced: run.counts.synced, received: run.counts.received })}</Text>}
      {run.counts.unmapped > 0 && <Text size="small">{t('panel.runs.unmapped', { count: run.counts.unmapped })}</Text>}
      {run.counts.failed > 0 && <Text size="small">{t('panel.runs.failed', { count: run.counts.failed })}</Text>}
      {(run.counts.created ?? 0) > 0 && <Text size="small">{t.plural('panel.runs.created', run.counts.created ?? 0)}</Text>}
    </Inline>
  );
}

/** The run's sync state, only when it needs attention (still going, partly synced, failed): a full sync says nothing. */
export function syncState(t: Translator, run: RunGroup) {
  return syncNeedsAttention(run) ? stateLozenge(t, run.state) : undefined;
}
