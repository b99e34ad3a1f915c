import { DynamicTable, Heading, Link, Stack, Text, Tooltip } from '@forge/react';
import type { FlakyCase } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { historyMarks } from '../common/historyMarks';
import { useT } from '../common/i18n';

/**
 * A Test Set's or Test Plan's flakiest linked cases, most flips first: the Test (key and summary), its Testsigma case
 * (a deep link), how often its results flipped, and its last statuses as marks. Nothing when none is flaky.
 */
export function FlakySection({ flaky }: { flaky: FlakyCase[] | undefined }) {
  const t = useT();
  if (!flaky || flaky.length === 0) return null;
  const rows = flaky.map((f) => ({
    key: f.testsigmaId,
    cells: [
      {
        key: 'test',
        // One line: the key first, so that it never breaks ("SHOP-" / "1"), then the summary, cut and whole on hover.
        content: (
          <Tooltip content={f.test.summary ?? f.test.key}>
            <Text maxLines={1}>
              <Link href={browsePath(f.test.key)}>{f.test.key}</Link>
              {f.test.summary !== undefined && ` ${f.test.summary}`}
            </Text>
          </Tooltip>
        ),
      },
      {
        key: 'case',
        content: f.url ? (
          <Link href={f.url} openNewTab>
            {displayId(f.testsigmaId)}
          </Link>
        ) : (
          <Text>{displayId(f.testsigmaId)}</Text>
        ),
      },
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
            { key: 'test', content: t('panel.flaky.column.test'), width: 36 },
            { key: 'case', content: t('panel.flaky.column.case'), width: 18 },
            { key: 'flips', content: t('panel.flaky.column.flips'), width: 24 },
            { key: 'last', content: t('panel.flaky.column.last'), width: 22 },
          ],
        }}
        rows={rows}
        isFixedSize
      />
    </Stack>
  );
}
