import { Inline, Text, Tooltip } from '@forge/react';
import type { HistoryEntry } from '../../shared/types';
import type { Translator } from './i18n';
import { statusOutcome } from './status';
import { statusLozenge } from './statusLozenge';

/**
 * A case's recent results as a row of small marks, newest first: a coloured Lozenge with a sign for passing,
 * failing or neither (so the row reads without colour too), and the status, run and time in each mark's Tooltip.
 * A plain function: DynamicTable calls cell components as functions, where hooks would break.
 */
export function historyMarks(t: Translator, history: ReadonlyArray<Pick<HistoryEntry, 'status'> & Partial<HistoryEntry>>) {
  if (history.length === 0) return <Text size="small">{t('common.none')}</Text>;
  return (
    <Inline space="space.025" alignBlock="center">
      {history.map((h, i) => (
        <Tooltip key={`${h.runId ?? ''}-${i}`} content={markTip(t, h)}>
          {statusLozenge(h.status, t(`panel.history.sign.${statusOutcome(h.status)}`))}
        </Tooltip>
      ))}
    </Inline>
  );
}

function markTip(t: Translator, h: Pick<HistoryEntry, 'status'> & Partial<HistoryEntry>): string {
  if (h.runId === undefined || h.at === undefined) return h.status;
  return t('panel.history.tip', { status: h.status, runId: h.runId, time: t.relative(h.at) });
}
