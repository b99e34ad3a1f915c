import { Button, DynamicTable, Inline, Link, Lozenge, Stack, Text, User } from '@forge/react';
import type { IssueKind, LinkView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { xrayStatusAppearance } from '../common/status';
import { when } from '../common/when';

/** Props of {@link LinksTable}. */
export interface LinksTableProps {
  kind: IssueKind;
  links: LinkView[];
  canEdit: boolean;
  busy: boolean;
  /** Asks to unlink one; the panel confirms first. */
  onUnlink: (link: LinkView) => void;
}

/** Ten links a page: a Test may link many test cases. */
export const LINKS_PER_PAGE = 10;

/**
 * The linked Testsigma items as a table, ten a page: the item (id, name, deep link), its last result (Tests only),
 * when and by whom it was linked, and Unlink for users who may edit. Cells hold UI Kit elements only (see `when`).
 */
export function LinksTable({ kind, links, canEdit, busy, onUnlink }: LinksTableProps) {
  const t = useT();
  const withResults = kind === 'test';
  const cells = [
    { key: 'item', content: t(`panel.kind.${kind}.column`) },
    ...(withResults ? [{ key: 'result', content: t('panel.links.lastResult') }] : []),
    { key: 'linked', content: t('panel.links.linked') },
    ...(canEdit ? [{ key: 'actions', content: '' }] : []),
  ];
  const rows = links.map((link) => ({
    key: link.testsigmaId,
    cells: [
      { key: 'item', content: itemCell(link) },
      ...(withResults ? [{ key: 'result', content: resultCell(t, link) }] : []),
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
      caption={t(`panel.kind.${kind}.caption`)}
      head={{ cells }}
      rows={rows}
      {...(links.length > LINKS_PER_PAGE ? { rowsPerPage: LINKS_PER_PAGE } : {})}
    />
  );
}

function itemCell(link: LinkView) {
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
    </Inline>
  );
}

function resultCell(t: Translator, link: LinkView) {
  const result = link.lastResult;
  if (!result) return <Text size="small">{t('panel.links.noResult')}</Text>;
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Lozenge appearance={xrayStatusAppearance(result.status)}>{result.status}</Lozenge>
        {when(t, result.at, 'small')}
      </Inline>
      <Inline space="space.050" alignBlock="center" shouldWrap>
        <Text size="small">{t('panel.links.run', { runId: result.runId })}</Text>
        {result.testExecutionKey && (
          <Link href={browsePath(result.testExecutionKey)}>{result.testExecutionKey}</Link>
        )}
      </Inline>
    </Stack>
  );
}

function linkedCell(t: Translator, link: LinkView) {
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap>
      {when(t, link.linkedAt, 'small')}
      <User accountId={link.linkedBy} />
    </Inline>
  );
}
