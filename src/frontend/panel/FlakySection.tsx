import { DynamicTable, Heading, Link, Stack, Text } from '@forge/react';
import type { FlakyCase } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { historyMarks } from '../common/historyMarks';
import { useT } from '../common/i18n';

/**
 * A Test Set's or Test Plan's flakiest linked cases, most flips first: the Test, its Testsigma case, how often its
 * results flipped, and its last statuses as marks. Nothing when none is flaky.
 */
export function FlakySection({ flaky }: { flaky: FlakyCase[] | undefined }) {
  const t = useT();
  if (!flaky || flaky.length === 0) return null;
  const rows = flaky.map((f) => ({
    key: f.testsigmaId,
    cells: [
      { key: 'test', content: <Link href={browsePath(f.test.key)}>{f.test.key}</Link> },
      { key: 'case', content: <Text>{displayId(f.testsigmaId)}</Text> },
      // Fewer than two flips: it is flaky because its last result passed only on a retry.
      { key: 'flips', content: <Text>{f.flips >= 2 ? t.plural('panel.flaky.flips', f.flips) : t('panel.flaky.retried')}</Text> },
      { key: 'last', content: historyMarks(t, f.lastStatuses.map((status) => ({ status }))) },
    ],
  }));
  return (
    <Stack space="space.100">
      <Heading size="xsmall">{t('panel.flaky.heading')}</Heading>
      <Text size="small">{t('panel.flaky.intro')}</Text>
      <DynamicTable
        label={t('panel.flaky.heading')}
        head={{
          cells: [
            { key: 'test', content: t('panel.flaky.column.test') },
            { key: 'case', content: t('panel.flaky.column.case') },
            { key: 'flips', content: t('panel.flaky.column.flips') },
            { key: 'last', content: t('panel.flaky.column.last') },
          ],
        }}
        rows={rows}
      />
    </Stack>
  );
}
