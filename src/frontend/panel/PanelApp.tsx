import { useCallback, useState } from 'react';
import {
  Button,
  Inline,
  LoadingButton,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
  Spinner,
  Stack,
  Text,
} from '@forge/react';
import type { LinkView, PanelNotice, PanelView, RunOptions, RunPlanInput } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { hostFlag, type Notify } from '../common/flag';
import { displayId } from '../common/format';
import { useT } from '../common/i18n';
import { useRunOnce } from '../common/useRunOnce';
import { callPanel, type PanelCaller } from '../invoke';
import { AddLinkForm } from './AddLinkForm';
import { CoverageSection } from './CoverageSection';
import { FlakySection } from './FlakySection';
import { LinksTable, type NamesState } from './LinksTable';
import { NoticeMessage } from './NoticeMessage';
import { LatestRun } from './LatestRun';
import { addFormMode, groupRuns, inputId, type LinkOutcome } from './panelModel';
import { RecentRunsTable } from './RecentRunsTable';
import { ReplaceLinkForm } from './ReplaceLinkForm';
import { RunDialog } from './RunDialog';

/** Props of {@link PanelApp}. */
export interface PanelAppProps {
  /** The resolver transport; tests pass a fake. */
  call?: PanelCaller;
  /** Success flags; tests pass a recorder. */
  notify?: Notify;
}

type LoadState = { status: 'loading' } | { status: 'failed'; error: ShownError } | { status: 'ready'; view: PanelView };

const isXrayNotice = (n: PanelNotice) => n.code.startsWith('xray_');

/**
 * The issue panel: the Testsigma items linked to this Test, Test Set or Test Plan, with coverage and recent runs, and
 * the controls to link and unlink. Every change answers with the whole new view, which simply replaces the old one.
 */
export function PanelApp({ call = callPanel, notify = hostFlag }: PanelAppProps) {
  const t = useT();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  // One change at a time: a second click while the first is on its way would race it for the view.
  const [busy, setBusy] = useState<'link' | 'unlink' | 'refresh' | 'defect' | 'run' | 'rerun' | 'replace'>();
  // The Run dialog: open, with the options getRunOptions answered (or why it could not).
  const [runDialog, setRunDialog] = useState<{ options?: RunOptions; error?: ShownError }>();
  const [rerunning, setRerunning] = useState<string>();
  // The case whose defect is being filed.
  const [filing, setFiling] = useState<string>();
  // Errors of refresh and unlink, shown above the list while the view stays as it was.
  const [failure, setFailure] = useState<ShownError>();
  const [unlinking, setUnlinking] = useState<LinkView>();
  // The Test Set's suite or Test Plan's plan that "Replace" is replacing: its field shows under the table.
  const [replacing, setReplacing] = useState<LinkView>();
  // When the view on screen was read, for "updated 2 minutes ago" beside Refresh.
  const [readAt, setReadAt] = useState<string>();
  const show = (view: PanelView) => {
    setLoad({ status: 'ready', view });
    setReadAt(new Date().toISOString());
  };

  const open = useCallback(async () => {
    setLoad({ status: 'loading' });
    const answer = await call('getPanel', {});
    if (answer.ok) {
      show(answer.data);
    } else setLoad({ status: 'failed', error: answer.error });
  }, [call]);
  useRunOnce(() => void open());

  const refresh = async () => {
    setBusy('refresh');
    setFailure(undefined);
    const answer = await call('getPanel', { refresh: true });
    setBusy(undefined);
    if (answer.ok) show(answer.data);
    else setFailure(answer.error);
  };

  // One `link` call per id, one after the other: each answers the whole view, and the rules (one suite per Test
  // Set, one Test per case) are checked against the links the previous call made.
  const linkAll = async (inputs: string[]): Promise<LinkOutcome[]> => {
    setBusy('link');
    setFailure(undefined);
    const outcomes: LinkOutcome[] = [];
    let known = new Set(load.status === 'ready' ? load.view.links.map((l) => l.testsigmaId) : []);
    let issueKey = load.status === 'ready' ? load.view.issue.key : '';
    for (const input of inputs) {
      const answer = await call('link', { testsigmaId: input });
      if (answer.ok) {
        show(answer.data);
        const now = answer.data.links.map((l) => l.testsigmaId);
        outcomes.push({ input, ok: true, linked: now.filter((id) => !known.has(id)) });
        known = new Set(now);
        issueKey = answer.data.issue.key;
      } else {
        outcomes.push({ input, ok: false, code: answer.error.code, message: answer.error.message });
      }
    }
    setBusy(undefined);
    // The flag names what was linked and where; a case that was already here is said in the form, not flagged.
    const linked = outcomes.flatMap((o) => (o.ok ? o.linked : []));
    if (linked.length > 0) notify(t('panel.flag.linkedTo', { ids: linked.map(displayId).join(', '), key: issueKey }));
    return outcomes;
  };

  const unlink = async (link: LinkView) => {
    setBusy('unlink');
    setFailure(undefined);
    const answer = await call('unlink', { testsigmaId: link.testsigmaId });
    setBusy(undefined);
    setUnlinking(undefined);
    if (!answer.ok) {
      setFailure(answer.error);
      return;
    }
    show(answer.data);
    notify(t('panel.flag.unlinked', { id: displayId(link.testsigmaId) }));
  };

  // The user acts again: what the last action's error said no longer stands beside what they do now.
  const act = (then: () => void) => {
    setFailure(undefined);
    then();
  };

  // Replace = unlink, then link, through the two resolver calls. An unlink that fails changes nothing; a link that
  // fails after it leaves nothing linked, and the message says so and what to do (the link field is then open).
  const replace = async (old: LinkView, input: string) => {
    setBusy('replace');
    setFailure(undefined);
    const unlinked = await call('unlink', { testsigmaId: old.testsigmaId });
    if (!unlinked.ok) {
      setBusy(undefined);
      setReplacing(undefined);
      setFailure(unlinked.error);
      return;
    }
    show(unlinked.data);
    const linked = await call('link', { testsigmaId: input });
    setBusy(undefined);
    setReplacing(undefined);
    const id = displayId(inputId(input));
    if (!linked.ok) {
      setFailure({
        code: linked.error.code,
        message: t('panel.replace.linkFailed', { old: displayId(old.testsigmaId), id, key: unlinked.data.issue.key, message: linked.error.message }),
      });
      return;
    }
    show(linked.data);
    notify(t('panel.flag.replaced', { old: displayId(old.testsigmaId), id, key: linked.data.issue.key }));
  };

  // Just does it (no confirm): a defect is easy to close, and a second click while it is open links the same defect.
  const createDefect = async (link: LinkView) => {
    setBusy('defect');
    setFiling(link.testsigmaId);
    setFailure(undefined);
    const before = new Set(link.lastResult?.defects ?? []);
    const answer = await call('createDefect', { testsigmaId: link.testsigmaId });
    setBusy(undefined);
    setFiling(undefined);
    if (!answer.ok) {
      setFailure(answer.error);
      return;
    }
    show(answer.data);
    const now = answer.data.links.find((l) => l.testsigmaId === link.testsigmaId)?.lastResult?.defects ?? [];
    const key = now.find((k) => !before.has(k)) ?? now[now.length - 1];
    if (key) notify(t('panel.flag.defectCreated', { key, id: displayId(link.testsigmaId) }));
  };

  const openRun = async () => {
    setFailure(undefined);
    setRunDialog({});
    const answer = await call('getRunOptions', {});
    setRunDialog(answer.ok ? { options: answer.data } : { error: answer.error });
  };

  const runPlan = async (input: RunPlanInput) => {
    setBusy('run');
    const answer = await call('runPlan', input);
    setBusy(undefined);
    if (!answer.ok) {
      setRunDialog((d) => ({ ...(d ?? {}), error: answer.error }));
      return;
    }
    setRunDialog(undefined);
    show(answer.data);
    notify(t('panel.flag.runStarted'));
  };

  const rerunFailed = async (runId: string) => {
    setBusy('rerun');
    setRerunning(runId);
    setFailure(undefined);
    const answer = await call('rerunFailed', { runId });
    setBusy(undefined);
    setRerunning(undefined);
    if (!answer.ok) {
      setFailure(answer.error);
      return;
    }
    show(answer.data);
    notify(t('panel.flag.rerunStarted', { id: runId }));
  };

  if (load.status === 'loading') return <Spinner label={t('panel.loading')} />;
  if (load.status === 'failed') {
    return <ErrorMessage error={load.error} onRetry={() => void open()} />;
  }

  const { view } = load;
  const kind = view.issue.kind;
  const mode = addFormMode(view);
  const notices = view.notices ?? [];
  const codes = new Set(notices.map((n) => n.code));
  // A name is "not found" only when Testsigma was asked and answered; busy storage (its cache) says nothing either way.
  const names: NamesState = codes.has('testsigma_not_configured')
    ? 'unchecked'
    : codes.has('testsigma_unavailable') || codes.has('storage_busy')
      ? 'unavailable'
      : 'checked';
  // A setup problem goes to those who may act on the issue (and can ask an admin); a viewer sees "not checked" by
  // each id instead of a banner on every Test. A passing outage is everyone's to know.
  const namesNotices = view.links.length > 0 ? notices.filter((n) => !isXrayNotice(n) && (view.canEdit || !n.code.endsWith('_not_configured'))) : [];
  const runs = kind === 'testPlan' && view.recentRuns ? groupRuns(view.recentRuns) : undefined;
  // Viewers see no Run button; an editor whose admin switched running off learns why in the dialog.
  const planLink = kind === 'testPlan' ? view.links[0] : undefined;
  const runnable = planLink !== undefined && view.canEdit;
  return (
    <Stack space="space.200">
      <Inline alignInline="end" alignBlock="center" space="space.100">
        {readAt && <Text size="small">{t('panel.updated', { time: t.relative(readAt) })}</Text>}
        <LoadingButton
          appearance="subtle"
          spacing="compact"
          isLoading={busy === 'refresh'}
          isDisabled={busy !== undefined}
          onClick={() => void refresh()}
        >
          {t('panel.refresh')}
        </LoadingButton>
      </Inline>
      {failure && <ErrorMessage error={failure} onRetry={() => void refresh()} />}
      {runs?.[0] && <LatestRun run={runs[0]} />}
      {namesNotices.map((n) => (
        <NoticeMessage key={n.code} notice={n} />
      ))}
      {/* Under a table, Atlaskit's own margin is the space: the Stack adds none, so no empty gap opens under it. */}
      <Stack space={view.links.length > 0 ? 'space.0' : 'space.200'}>
        {view.links.length === 0 ? (
          <Text>{view.canEdit ? `${t(`panel.kind.${kind}.empty`)} ${t(`panel.kind.${kind}.emptyHint`)}` : t(`panel.kind.${kind}.empty`)}</Text>
        ) : (
          <LinksTable
            kind={kind}
            links={view.links}
            canEdit={view.canEdit}
            busy={busy !== undefined}
            onUnlink={(link) => act(() => setUnlinking(link))}
            onCreateDefect={(link) => void createDefect(link)}
            {...(kind !== 'test' ? { onReplace: (link: LinkView) => act(() => setReplacing(link)) } : {})}
            names={names}
            {...(filing ? { filing } : {})}
          />
        )}
        {mode === 'open' && <AddLinkForm kind={kind} busy={busy !== undefined} onLink={linkAll} onOpen={() => setFailure(undefined)} startOpen={view.links.length === 0} />}
        {mode === 'full' && kind !== 'test' && replacing && (
          <ReplaceLinkForm
            kind={kind}
            current={replacing.testsigmaId}
            busy={busy === 'replace'}
            onReplace={(input) => void replace(replacing, input)}
            onCancel={() => setReplacing(undefined)}
          />
        )}
      </Stack>
      {/* One empty state with its action: with nothing linked, an issue without Tests says nothing more, and runs of
          a plan that is not linked cannot exist. */}
      {kind !== 'test' && (view.links.length > 0 || (view.coverage?.total ?? 1) > 0) && (
        <CoverageSection kind={kind} coverage={view.coverage} notices={notices.filter(isXrayNotice)} />
      )}
      {kind !== 'test' && <FlakySection flaky={view.flaky} />}
      {((runs && view.links.length > 0) || runnable) && (
        <Stack space={runs && runs.length > 0 ? 'space.0' : 'space.100'}>
          {runs && view.links.length > 0 && (
            <RecentRunsTable
              groups={runs}
              canRun={view.canEdit}
              busy={busy !== undefined}
              {...(rerunning ? { rerunning } : {})}
              onRerun={(runId) => void rerunFailed(runId)}
            />
          )}
          {runnable && (
            <Inline alignInline="end">
              <Button appearance="primary" isDisabled={busy !== undefined} onClick={() => void openRun()}>
                {t('panel.run.open')}
              </Button>
            </Inline>
          )}
        </Stack>
      )}
      <ModalTransition>
        {runDialog && planLink && (
          <RunDialog
            planId={displayId(planLink.testsigmaId)}
            options={runDialog.options}
            {...(runDialog.error ? { error: runDialog.error } : {})}
            busy={busy === 'run'}
            onRun={(input) => void runPlan(input)}
            onClose={() => setRunDialog(undefined)}
          />
        )}
      </ModalTransition>
      <ModalTransition>
        {unlinking && (
          <Modal onClose={() => setUnlinking(undefined)}>
            <ModalHeader>
              <ModalTitle appearance="danger">{t('panel.unlink.title', { id: displayId(unlinking.testsigmaId) })}</ModalTitle>
            </ModalHeader>
            <ModalBody>
              <Text>{t(`panel.kind.${kind}.unlinkBody`, { id: displayId(unlinking.testsigmaId), key: view.issue.key })}</Text>
            </ModalBody>
            <ModalFooter>
              <Button appearance="subtle" onClick={() => setUnlinking(undefined)}>
                {t('common.cancel')}
              </Button>
              <LoadingButton appearance="danger" isLoading={busy === 'unlink'} onClick={() => void unlink(unlinking)}>
                {t('panel.unlink.confirm')}
              </LoadingButton>
            </ModalFooter>
          </Modal>
        )}
      </ModalTransition>
    </Stack>
  );
}
