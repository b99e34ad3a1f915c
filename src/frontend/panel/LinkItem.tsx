import { Inline, Link, Lozenge, Stack, Text, User } from '@forge/react';
import type { LastResult, LinkView } from '../../shared/types';
import { browsePath, formatWhen } from '../common/format';
import { xrayStatusAppearance } from '../common/status';
import { displayId } from './panelModel';
import { UnlinkControl } from './UnlinkControl';

/** Props of {@link LinkItem}. */
export interface LinkItemProps {
  link: LinkView;
  canEdit: boolean;
  busy: boolean;
  onUnlink: (testsigmaId: string) => void;
}

/** One linked Testsigma item: id (deep-linked when the URL is known), name, last result, who linked it and when. */
export function LinkItem({ link, canEdit, busy, onUnlink }: LinkItemProps) {
  const id = displayId(link.testsigmaId);
  return (
    <Stack space="space.050">
      <Inline space="space.100" alignBlock="center" shouldWrap>
        <Text weight="bold">
          {link.url ? (
            <Link href={link.url} openNewTab>
              {id}
            </Link>
          ) : (
            id
          )}
        </Text>
        {link.name !== undefined && <Text>{link.name}</Text>}
        {link.lastResult && (
          <Lozenge appearance={xrayStatusAppearance(link.lastResult.status)}>{link.lastResult.status}</Lozenge>
        )}
      </Inline>
      {link.lastResult && <LastResultLine result={link.lastResult} />}
      <Inline space="space.050" alignBlock="center" shouldWrap>
        <Text size="small">Linked by</Text>
        <User accountId={link.linkedBy} />
        <Text size="small">{`on ${formatWhen(link.linkedAt)}`}</Text>
      </Inline>
      {canEdit && <UnlinkControl label={id} busy={busy} onConfirm={() => onUnlink(link.testsigmaId)} />}
    </Stack>
  );
}

function LastResultLine({ result }: { result: LastResult }) {
  return (
    <Text size="small">
      {`Last run ${result.runId}, synced ${formatWhen(result.at)}`}
      {result.testExecutionKey && (
        <>
          {', in '}
          <Link href={browsePath(result.testExecutionKey)}>{result.testExecutionKey}</Link>
        </>
      )}
    </Text>
  );
}
