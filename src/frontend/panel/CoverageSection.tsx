import { Heading, Inline, Link, ProgressBar, Stack, Text } from '@forge/react';
import type { Coverage, PanelNotice } from '../../shared/types';
import { browsePath, jqlPath, keysJql } from '../common/format';
import { useT } from '../common/i18n';
import { NoticeMessage } from './NoticeMessage';
import { COVERAGE_SHOWN } from './panelModel';

/** Props of {@link CoverageSection}. */
export interface CoverageSectionProps {
  kind: 'testSet' | 'testPlan';
  coverage: Coverage | undefined;
  /** Why coverage is missing, when it is. */
  notices: PanelNotice[];
}

/**
 * How many of a Test Set's or Test Plan's Tests are linked; the first few that are not, and a link to all of them in
 * Jira's issue navigator. When Xray could not be asked, says why instead.
 */
export function CoverageSection({ kind, coverage, notices }: CoverageSectionProps) {
  const t = useT();
  if (!coverage && notices.length === 0) return null;
  return (
    <Stack space="space.100">
      <Heading size="xsmall">{t('panel.coverage.heading')}</Heading>
      {notices.map((n) => (
        <NoticeMessage key={n.code} notice={n} />
      ))}
      {coverage && coverage.total === 0 && <Text>{t(`panel.kind.${kind}.noTests`)}</Text>}
      {coverage && coverage.total > 0 && <CoverageFigures coverage={coverage} />}
    </Stack>
  );
}

function CoverageFigures({ coverage }: { coverage: Coverage }) {
  const t = useT();
  const sentence = t.plural('panel.coverage.sentence', coverage.total, { linked: coverage.linked });
  const shown = coverage.unlinked.slice(0, COVERAGE_SHOWN);
  const notLinked = Math.max(coverage.total - coverage.linked, coverage.unlinked.length);
  return (
    <Stack space="space.100">
      <Text>{sentence}</Text>
      <ProgressBar value={coverage.linked / coverage.total} ariaLabel={sentence} />
      {shown.length > 0 && (
        <Stack space="space.050">
          <Text size="small">{t.plural('panel.coverage.notLinked', notLinked)}</Text>
          <Inline space="space.100" shouldWrap alignBlock="center">
            {shown.map((test) => (
              <Link key={test.id} href={browsePath(test.key)}>
                {test.key}
              </Link>
            ))}
            {coverage.unlinked.length > shown.length && (
              <Link href={jqlPath(keysJql(coverage.unlinked.map((u) => u.key)))} openNewTab>
                {t.plural('panel.coverage.showAll', coverage.unlinked.length)}
              </Link>
            )}
          </Inline>
        </Stack>
      )}
    </Stack>
  );
}
