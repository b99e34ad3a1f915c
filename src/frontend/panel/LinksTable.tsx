import { Button, DynamicTable, Inline, Link, LoadingButton, Lozenge, Stack, Text, Tooltip, User } from '@forge/react';
import type { IssueKind, LinkView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { historyMarks } from '../common/historyMarks';
import { isPassing, mayFileDefect } from '../common/status';
import { statusLozenge } from '../common/statusLozenge';
import { when } from '../common/when';

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
 * The linked Testsigma items as a table, ten a page: the item (id, name, deep link, "Flaky"), its last result with
 * its defects (Tests only), its history as a row of marks, when and by whom it was linked, and Unlink for users who
 * may edit. Cells hold UI Kit elements only (DynamicTable calls cell components as plain functions: no hooks).
 */
export function LinksTable({ kind, links, canEdit, busy, onUnlink, onCreateDefect, filing, names = 'checked' }: LinksTableProps) {
  const t = useT();
  const withResults = kind === 'test';
  const cells = [
    { key: 'item', content: t(`panel.kind.${kind}.column`) },
    ...(withResults ? [{ key: 'result', content: t('panel.links.lastResult') }] : []),
    ...(withResults ? [{ key: 'history', content: t('panel.links.history') }] : []),
    { key: 'linked', content: t('panel.links.linked') },
    ...(canEdit ? [{ key: 'actions', content: '' }] : []),
  ];
  const rows = links.map((link) => ({
    key: link.testsigmaId,
    cells: [
      { key: 'item', content: itemCell(t, link, names) },
      ...(withResults
        ? [{ key: 'result', content: resultCell(t, link, canEdit && !!onCreateDefect, busy, filing, onCreateDefect) }]
        : []),
      ...(withResults ? [{ key: 'history', content: historyMarks(t, link.history ?? []) }] : []),
      { key: 'linked', content: linkedCell(t, link) },
      ...(canEdit
        ? [
            {
              key: 'actions',
              content: (
                <Button appearance="subtle" spacing="compact" isDisabled={busy} onClick={() => onUnlink(link)}>
                  {t('panel.links.unlink')}
                </Button>
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
      {...(links.length > LINKS_PER_PAGE ? { rowsPerPage: LINKS_PER_PAGE } : {})}
    />
  );
}

function itemCell(t: Translator, link: LinkView, names: NamesState) {
  const id = displayId(link.testsigmaId);
  return (
    <Inline space="space.100" alignBlock="center" shouldWrap>
      {link.url ? (
        <Link href={link.url} openNewTab>
          {id}
        </Link>
      ) : (
        <Text weight="medium">{id}</Text>
      )}
      {link.name !== undefined && <Text>{link.name}</Text>}
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
      {link.flaky && (
        <Tooltip content={t('panel.flaky.why')}>
          <Lozenge appearance="moved">{t('panel.flaky.word')}</Lozenge>
        </Tooltip>
      )}
    </Inline>
  );
}

function resultCell(
  t: Translator,
  link: LinkView,
  mayFile: boolean,
  busy: boolean,
  filing: string | undefined,
  onCreateDefect: ((link: LinkView) => void) | undefined,
) {
  const result = link.lastResult;
  if (!result) return <Text size="small">{t('panel.links.noResult')}</Text>;
  const defects = result.defects ?? [];
  // One open defect a case: once the result has one, the key is shown instead of the button.
  const offerDefect = mayFile && mayFileDefect(result.status) && defects.length === 0;
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        {statusLozenge(result.status)}
        {when(t, result.at, 'small')}
      </Inline>
      {result.attempts !== undefined && result.attempts > 1 && (
        <Text size="small">
          {isPassing(result.status)
            ? t('panel.links.passedOnAttempt', { attempt: result.attempts })
            : t.plural('panel.links.attempts', result.attempts)}
        </Text>
      )}
      <Inline space="space.050" alignBlock="center" shouldWrap>
        <Text size="small">{t('panel.links.run', { runId: result.runId })}</Text>
        {result.testExecutionKey && <Link href={browsePath(result.testExecutionKey)}>{result.testExecutionKey}</Link>}
      </Inline>
      {defects.length > 0 && (
        <Inline space="space.050" alignBlock="center" shouldWrap>
          <Text size="small">{t.plural('panel.defect.label', defects.length)}</Text>
          {defects.map((key) => (
            <Link key={key} href={browsePath(key)}>
              {key}
            </Link>
          ))}
        </Inline>
      )}
      {offerDefect && onCreateDefect && (
        <Inline>
          <LoadingButton
            appearance="default"
            spacing="compact"
            isLoading={filing === link.testsigmaId}
            isDisabled={busy}
            onClick={() => onCreateDefect(link)}
          >
            {t('panel.defect.create')}
          </LoadingButton>
        </Inline>
      )}
    </Stack>
  );
}

function linkedCell(t: Translator, link: LinkView) {
  // The linking user's name stays beside the time rather than in its Tooltip: a Tooltip takes a string, and the
  // name is only known to Jira's User component (resolving it here would need the read:jira-user scope).
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap>
      <Tooltip content={t('panel.links.linkedAt', { time: t.exact(link.linkedAt) })}>
        <Text size="small">{t.relative(link.linkedAt)}</Text>
      </Tooltip>
      <User accountId={link.linkedBy} />
    </Inline>
  );
}
