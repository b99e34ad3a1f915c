/** Table cells that the panel's recent runs and the admin's sync log share, so that the two read alike. */
import { Link, Lozenge } from '@forge/react';
import { browsePath } from './format';
import type { Translator } from './i18n';
import { jobStateAppearance } from './status';

/**
 * The columns both the panel's runs and the admin's sync log show, in one order, so the two read alike:
 * run, state, Test Execution, the four counts, then when.
 */
export function runHeadCells(t: Translator): Array<{ key: string; content: string }> {
  return [
    { key: 'run', content: t('jobs.column.run') },
    { key: 'state', content: t('jobs.column.state') },
    { key: 'execution', content: t('jobs.column.execution') },
    { key: 'received', content: t('jobs.column.received') },
    { key: 'synced', content: t('jobs.column.synced') },
    { key: 'unmapped', content: t('jobs.column.unmapped') },
    { key: 'failed', content: t('jobs.column.failed') },
  ];
}

/**
 * A job state as a coloured Lozenge in people's words ("Synced", "Partly synced", "Waiting"); a job that waits for
 * its run to finish in Testsigma (`waiting: 'testsigma'`) reads as that run does: running in Testsigma.
 */
export function stateLozenge(t: Translator, state: string, waiting?: string) {
  if (state === 'queued' && waiting === 'testsigma') return <Lozenge appearance={jobStateAppearance('running')}>{t('jobs.state.inTestsigma')}</Lozenge>;
  const key = `jobs.state.${state}`;
  return <Lozenge appearance={jobStateAppearance(state)}>{t.has(key) ? t(key) : state}</Lozenge>;
}

/** A Test Execution key as a link, or a dash. */
export function executionCell(t: Translator, key: string | undefined) {
  return key ? <Link href={browsePath(key)}>{key}</Link> : t('common.none');
}

