import { useState } from 'react';
import { Button, DynamicTable, Icon, Inline, Link, LoadingButton, Lozenge, Popup, Stack, Text, Tooltip, User } from '@forge/react';
import type { IssueKind, LinkView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { historyMarks } from '../common/historyMarks';
import { whenShort } from '../common/when';
import { isPassing, mayFileDefect } from '../common/status';
import { statusLozenge } from '../common/statusLozenge';

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
  /** Asks to replace a Test Set's suite or a Test Plan's plan by another (the panel asks for the new id). */
  onReplace?: (link: LinkView) => void;
  /** The link whose defect is being filed: its menu spins. */
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

/** History marks a row shows (three fit beside "Flaky" on one line); older ones are counted ("+7") and listed in that count's Tooltip. */
export const MARKS_SHOWN = 3;

/**
 * Column widths in percent, fixed (DynamicTable's isFixedSize), so that columns do not jump when a result, a defect
 * or a longer time arrives. A Test's cases: the case, its last result (defects beside it), history, Test Execution,
 * time, and the row menu; a Test Set's or Plan's one link: the item and its menu.
 */
export function columnWidths(kind: IssueKind, canEdit: boolean): Record<string, number> {
  if (kind !== 'test') return canEdit ? { item: 92, actions: 8 } : { item: 100 };
  return canEdit
    ? { item: 26, result: 14, history: 24, execution: 14, at: 14, actions: 8 }
    : { item: 30, result: 15, history: 24, execution: 15, at: 16 };
}

/**
 * The linked Testsigma items as a table, ten a page, one line each, as Jira's linked issues and Xray's test runs
 * read: the item (who linked it as an avatar, id, deep link, name), and on a Test its last result with its defects,
 * its history marks and "Flaky", its Test Execution and when; for users who may edit, a row menu (a Popup: UI Kit has
 * no dropdown menu) with Create defect, Replace and Unlink. The run and the attempts ride in the status's Tooltip.
 * Cells hold UI Kit elements only (DynamicTable calls cell components as plain functions: no hooks), so the open
 * menu is this table's state.
 */
export function LinksTable({ kind, links, canEdit, busy, onUnlink, onCreateDefect, onReplace, filing, names = 'checked' }: LinksTableProps) {
  const t = useT();
  const [menu, setMenu] = useState<string>();
  const withResults = kind === 'test';
  const widths = columnWidths(kind, canEdit);
  const cells = [
    { key: 'item', content: t(`panel.kind.${kind}.column`), width: widths.item },
    ...(withResults
      ? [
          { key: 'result', content: t('panel.links.lastResult'), width: widths.result },
          { key: 'history', content: t('panel.links.history'), width: widths.history },
          { key: 'execution', content: t('jobs.column.execution'), width: widths.execution },
          { key: 'at', content: t('jobs.column.at'), width: widths.at },
        ]
      : []),
    ...(canEdit ? [{ key: 'actions', content: '', width: widths.actions }] : []),
  ];
  const act = (run: () => void) => () => {
    setMenu(undefined);
    run();
  };
  const rows = links.map((link) => ({
    key: link.testsigmaId,
    cells: [
      { key: 'item', content: itemCell(t, link, names) },
      ...(withResults
        ? [
            { key: 'result', content: resultCell(t, link) },
            { key: 'history', content: historyCell(t, link) },
            { key: 'execution', content: keyCell(t, link.lastResult?.testExecutionKey) },
            { key: 'at', content: link.lastResult ? whenShort(t, link.lastResult.at) : <Text size="small">{t('common.none')}</Text> },
          ]
        : []),
      ...(canEdit
        ? [
            {
              key: 'actions',
              content: (
                <Inline alignInline="end">
                  <Popup
                    isOpen={menu === link.testsigmaId}
                    onClose={() => setMenu(undefined)}
                    placement="bottom-end"
                    label={t('panel.links.menuLabel', { id: displayId(link.testsigmaId) })}
                    trigger={() =>
                      // An icon button, as Jira's linked issues have: the Icon's label names it ("Actions for #601").
                      // UI Kit's LoadingButton takes no icon child's place: the menu spins while a defect is filed.
                      filing === link.testsigmaId ? (
                        <LoadingButton appearance="subtle" spacing="compact" isLoading>
                          {t('panel.links.menuLabel', { id: displayId(link.testsigmaId) })}
                        </LoadingButton>
                      ) : (
                        <Button
                          appearance="subtle"
                          spacing="compact"
                          isSelected={menu === link.testsigmaId}
                          isDisabled={busy}
                          onClick={() => setMenu(menu === link.testsigmaId ? undefined : link.testsigmaId)}
                        >
                          <Icon glyph="show-more-horizontal" label={t('panel.links.menuLabel', { id: displayId(link.testsigmaId) })} />
                        </Button>
                      )
                    }
                    content={() => (
                      <Stack space="space.050">
                        {withResults && onCreateDefect && offersDefect(link) && (
                          <Button appearance="subtle" shouldFitContainer isDisabled={busy} onClick={act(() => onCreateDefect(link))}>
                            {t('panel.defect.create')}
                          </Button>
                        )}
                        {!withResults && onReplace && (
                          <Button appearance="subtle" shouldFitContainer isDisabled={busy} onClick={act(() => onReplace(link))}>
                            {t('panel.replace.menu')}
                          </Button>
                        )}
                        <Button appearance="subtle" shouldFitContainer isDisabled={busy} onClick={act(() => onUnlink(link))}>
                          {t('panel.links.unlink')}
                        </Button>
                      </Stack>
                    )}
                  />
                </Inline>
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
          <Text size="small" maxLines={1}>
            {t('panel.links.unknown')}
          </Text>
        </Tooltip>
      )}
      {link.name === undefined && names === 'unchecked' && (
        <Tooltip content={t('notices.testsigma_not_configured')}>
          <Text size="small" maxLines={1}>
            {t('panel.links.notChecked')}
          </Text>
        </Tooltip>
      )}
    </Inline>
  );
}

/** The case's recent results as marks, newest first (the older beyond three counted), then "Flaky" when they say so (yellow is Flaky's alone). */
function historyCell(t: Translator, link: LinkView) {
  const history = link.history ?? [];
  const older = history.slice(MARKS_SHOWN);
  return (
    <Inline space="space.100" alignBlock="center">
      {historyMarks(t, history.slice(0, MARKS_SHOWN))}
      {older.length > 0 && (
        <Tooltip content={older.map((h) => h.status).join(', ')}>
          <Text size="small">{t('panel.links.moreMarks', { count: older.length })}</Text>
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

/**
 * The last result's Xray status, with the run and the attempts in its Tooltip, and the keys of its defects beside it.
 * (The stored result keeps no failure message or environment: those are in the Test Execution the row links.)
 */
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
  const tip = [t('panel.links.run', { runId: result.runId }), attempts, `${t.relative(result.at)} (${t.exact(result.at)})`].filter((x) => x !== undefined).join(' · ');
  return (
    <Inline space="space.100" alignBlock="center">
      <Tooltip content={tip}>{statusLozenge(result.status)}</Tooltip>
      {defects.map((key) => (
        <Tooltip key={key} content={t.plural('panel.defect.tip', defects.length)}>
          <Link href={browsePath(key)}>{key}</Link>
        </Tooltip>
      ))}
    </Inline>
  );
}

/** A Jira key on one line ("SHOP-" / "19" never): cut, not wrapped, in a narrow column. */
function keyCell(t: Translator, key: string | undefined) {
  if (!key) return <Text size="small">{t('common.none')}</Text>;
  return (
    <Text maxLines={1}>
      <Link href={browsePath(key)}>{key}</Link>
    </Text>
  );
}


/** Who linked the case, as an avatar (the app, for a Test it created, as an icon named so); when, in its Tooltip. */
function linkedBy(t: Translator, link: LinkView) {
  // Who linked it is an avatar (its name on hover) rather than a name in a Tooltip: a Tooltip takes a string, and the
  // name is only known to Jira's User component (resolving it here would need the read:jira-user scope).
  return (
    <Tooltip content={t('panel.links.linkedAt', { time: `${t.relative(link.linkedAt)} (${t.exact(link.linkedAt)})` })}>
      {link.linkedByApp ? <Icon glyph="automation" label={t('panel.links.linkedByApp')} /> : <User accountId={link.linkedBy} hideDisplayName />}
    </Tooltip>
  );
}
