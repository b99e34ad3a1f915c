import { Button, DynamicTable, Inline, Link, LoadingButton, Lozenge, Stack, Text, Tooltip, User } from '@forge/react';
import type { IssueKind, LinkView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { historyMarks } from '../common/historyMarks';
import { isPassing, mayFileDefect } from '../common/status';
import { statusLozenge } from '../common/statusLozenge';
import { executionCell } from '../common/jobCells';

/** Props of {@link LinksTable}. */
export interface LinksTableProps {
  kind: IssueKind;
  links: LinkView[];
  canEdit: boolean;
  busy: boolean;
  /** Asks to unlink one; the panel confirms first. */
  onUnlink: (link: LinkView) => void;
  /** Files a defect for a link's failed last result (Tests only). */
  onCreateDefect?: (link: LinkView) => void;
  /** The link whose defect is being filed: its button spins. */
  filing?: string;
  /**
   * Whether Testsigma was asked for names: `checked` (it answered: an id without a name is one it does not know),
   * `unchecked` (the app has no Testsigma key) or `unavailable` (it did not answer; a notice says so).
   */
  names?: NamesState;
}

/** Whether Testsigma was asked for the links' names, and answered. */
export type NamesState = 'checked' | 'unchecked' | 'unavailable';

/** Ten links a page: a Test may link many test cases. */
export const LINKS_PER_PAGE = 10;

/**
 * The linked Testsigma items as a table, ten a page, one line each: the item (id, name, deep link, "Flaky"), its
 * last result with its defects, history and Test Execution (Tests only), when and by whom it was linked, and compact
 * Create defect and Unlink for users who may edit. Cells hold UI Kit elements only (DynamicTable calls cell components as plain functions: no hooks).
 */
export function LinksTable({ kind, links, canEdit, busy, onUnlink, onCreateDefect, filing, names = 'checked' }: LinksTableProps) {
  const t = useT();
  const withResults = kind === 'test';
  const mayFile = canEdit && !!onCreateDefect;
  // One line a case, as Jira's linked issues and Xray's test runs read: the case, its last result, its history, the
  // Test Execution, when and by whom (an avatar, the exact time in a Tooltip), and compact actions.
  // Widths in percent, fixed (isFixedSize), so that columns do not jump when a result or a defect arrives.
  const cells = [
    { key: 'item', content: t(`panel.kind.${kind}.column`), width: withResults ? 27 : 75 },
    ...(withResults
      ? [
          { key: 'result', content: t('panel.links.lastResult'), width: 14 },
          { key: 'history', content: t('panel.links.history'), width: 21 },
          { key: 'execution', content: t('jobs.column.execution'), width: 16 },
        ]
      : []),
    ...(canEdit ? [{ key: 'actions', content: '', width: withResults ? 22 : 25 }] : []),
  ];
  const rows = links.map((link) => ({
    key: link.testsigmaId,
    cells: [
      { key: 'item', content: itemCell(t, link, names) },
      ...(withResults
        ? [
            { key: 'result', content: resultCell(t, link) },
            { key: 'history', content: historyCell(t, link) },
            { key: 'execution', content: executionCell(t, link.lastResult?.testExecutionKey) },
          ]
        : []),
      ...(canEdit
        ? [
            {
              key: 'actions',
              content: (
                // Stacked: the panel is too narrow for both side by side, and a clipped Unlink is worse than a
                // taller row (only a failed case offers Create defect).
                <Stack space="space.050">
                  {withResults && mayFile && offersDefect(link) && onCreateDefect && (
                    <LoadingButton
                      appearance="default"
                      spacing="compact"
                      isLoading={filing === link.testsigmaId}
                      isDisabled={busy}
                      onClick={() => onCreateDefect(link)}
                    >
                      {t('panel.defect.create')}
                    </LoadingButton>
                  )}
                  <Button appearance="subtle" spacing="compact" isDisabled={busy} onClick={() => onUnlink(link)}>
                    {t('panel.links.unlink')}
                  </Button>
                </Stack>
              ),
            },
          ]
        : []),
    ],
  }));
  return (
    <DynamicTable
      // `label` names the table for assistive technology; `caption` would repeat the panel's own heading on screen.
      label={t(`panel.kind.${kind}.caption`)}
      head={{ cells }}
      rows={rows}
      isFixedSize
      {...(links.length > LINKS_PER_PAGE ? { rowsPerPage: LINKS_PER_PAGE } : {})}
    />
  );
}

/** One open defect a case: a failed last result without a defect offers one; once it has one, its key shows. */
function offersDefect(link: LinkView): boolean {
  const result = link.lastResult;
  return !!result && mayFileDefect(result.status) && (result.defects ?? []).length === 0;
}

function itemCell(t: Translator, link: LinkView, names: NamesState) {
  const id = displayId(link.testsigmaId);
  return (
    <Inline space="space.100" alignBlock="center">
      {linkedBy(t, link)}
      {link.url ? (
        <Link href={link.url} openNewTab>
          {id}
        </Link>
      ) : (
        <Text weight="medium">{id}</Text>
      )}
      {link.name !== undefined && (
        // One line a case: a long name is cut, and shown whole on hover.
        <Tooltip content={link.name}>
          <Text maxLines={1}>{link.name}</Text>
        </Tooltip>
      )}
      {link.name === undefined && names === 'checked' && (
        // Testsigma answered and does not know this id: a typo, or a case deleted there. Its results cannot come.
        <Tooltip content={t('panel.links.unknownWhy')}>
          <Text size="small">{t('panel.links.unknown')}</Text>
        </Tooltip>
      )}
      {link.name === undefined && names === 'unchecked' && (
        <Tooltip content={t('notices.testsigma_not_configured')}>
          <Text size="small">{t('panel.links.notChecked')}</Text>
        </Tooltip>
      )}
    </Inline>
  );
}

/** The case's recent results as marks, then "Flaky" when they say so (yellow is Flaky's alone). */
function historyCell(t: Translator, link: LinkView) {
  return (
    <Inline space="space.100" alignBlock="center">
      {historyMarks(t, link.history ?? [])}
      {link.flaky && (
        <Tooltip content={t('panel.flaky.why')}>
          <Lozenge appearance="moved">{t('panel.flaky.word')}</Lozenge>
        </Tooltip>
      )}
    </Inline>
  );
}

function resultCell(t: Translator, link: LinkView) {
  const result = link.lastResult;
  if (!result) return <Text size="small">{t('panel.links.noResult')}</Text>;
  const defects = result.defects ?? [];
  const attempts =
    result.attempts !== undefined && result.attempts > 1
      ? isPassing(result.status)
        ? t('panel.links.passedOnAttempt', { attempt: result.attempts })
        : t.plural('panel.links.attempts', result.attempts)
      : undefined;
  // The run, the attempts and the time ride in the status's Tooltip, so that the row stays one line.
  const tip = [t('panel.links.run', { runId: result.runId }), attempts, `${t.relative(result.at)} (${t.exact(result.at)})`].filter((x) => x !== undefined).join(' · ');
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      <Tooltip content={tip}>{statusLozenge(result.status)}</Tooltip>
      {defects.length > 0 && <Text size="small">{t.plural('panel.defect.label', defects.length)}</Text>}
      {defects.map((key) => (
        <Link key={key} href={browsePath(key)}>
          {key}
        </Link>
      ))}
    </Inline>
  );
}

/** Who linked the case, as an avatar; when, in its Tooltip. */
function linkedBy(t: Translator, link: LinkView) {
  // Who linked it is an avatar (its name on hover) rather than a name in a Tooltip: a Tooltip takes a string, and the
  // name is only known to Jira's User component (resolving it here would need the read:jira-user scope).
  return (
    <Tooltip content={t('panel.links.linkedAt', { time: `${t.relative(link.linkedAt)} (${t.exact(link.linkedAt)})` })}>
      {link.linkedByApp ? <Text size="small">{t('panel.links.linkedByApp')}</Text> : <User accountId={link.linkedBy} hideDisplayName />}
    </Tooltip>
  );
}
