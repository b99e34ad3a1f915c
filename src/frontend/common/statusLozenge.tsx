/** Xray run statuses as people meet them in Xray: bold Lozenges, in the colours of {@link xrayStatusAppearance}. */
import { Inline, Lozenge } from '@forge/react';
import type { Translator } from './i18n';
import { orderedStatusCounts, xrayStatusAppearance } from './status';

/** One Xray status as a bold Lozenge; `label` replaces its text (a count, a sign) but not its colour. */
export function statusLozenge(status: string, label?: string) {
  return (
    <Lozenge isBold appearance={xrayStatusAppearance(status)}>
      {label ?? status}
    </Lozenge>
  );
}

/**
 * A run's synced results by Xray status as a row of Lozenges ("4 PASSED", "2 FAILED"), in Xray's order. A plain
 * function: DynamicTable calls cell components as functions, where hooks would break.
 */
export function statusCounts(t: Translator, statuses: Readonly<Record<string, number>>) {
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap>
      {orderedStatusCounts(statuses).map(([status, count]) => (
        <Lozenge key={status} isBold appearance={xrayStatusAppearance(status)}>
          {t('panel.runs.statusCount', { count, status })}
        </Lozenge>
      ))}
    </Inline>
  );
}
