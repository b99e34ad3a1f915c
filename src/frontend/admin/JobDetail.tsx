import type { ReactNode } from 'react';
import {
  Box,
  Button,
  Heading,
  Inline,
  Link,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  SectionMessage,
  Stack,
  Text,
  xcss,
} from '@forge/react';
import type { JobView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT, type Translator } from '../common/i18n';
import { stateLozenge } from '../common/jobCells';
import { statusCounts } from '../common/statusLozenge';
import { when } from '../common/when';

/** Testsigma's page of a test case (the deep link its own Xray integration opens). */
export function testsigmaCaseUrl(baseUrl: string, caseId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/ui/td/cases/${encodeURIComponent(caseId)}/steps`;
}

/** Props of {@link JobDetail}. */
export interface JobDetailProps {
  job: JobView;
  /** Testsigma's base URL, for links to unmapped test cases. */
  testsigmaBaseUrl: string;
  onClose: () => void;
}

// Labels in one column, so the values line up and read down like Jira's issue details.
const LABEL = xcss({ width: '180px', minWidth: '180px' });

/** One label and its value. */
function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Inline space="space.200" alignBlock="center">
      <Box xcss={LABEL}>
        <Text weight="semibold">{label}</Text>
      </Box>
      {children}
    </Inline>
  );
}

/**
 * What went wrong, when something did: a partial delivery in yellow (most of it reached Xray), a failed one in red.
 * A delivery that synced in full needs no message.
 */
function outcomeMessage(t: Translator, job: JobView) {
  if (job.state !== 'partial' && job.state !== 'failed') return null;
  const { synced, received } = job.counts;
  return (
    <SectionMessage appearance={job.state === 'partial' ? 'warning' : 'error'}>
      <Text>{t(job.state === 'partial' ? 'admin.job.partial' : 'admin.job.failed', { synced, received })}</Text>
    </SectionMessage>
  );
}

/**
 * Everything the sync log knows about one delivery, in a Modal over the table (so paging and scroll stay where
 * they were): a label and value list (state, Test Executions, the run's results by Xray status, counts, times),
 * then the unmapped test cases linked to Testsigma, and all its problems.
 */
export function JobDetail({ job, testsigmaBaseUrl, onClose }: JobDetailProps) {
  const t = useT();
  const moreUnmapped = job.counts.unmapped > job.unmapped.length;
  const executions = job.testExecutionKeys && job.testExecutionKeys.length > 0 ? job.testExecutionKeys : job.testExecutionKey ? [job.testExecutionKey] : [];
  const byStatus = job.statuses && Object.values(job.statuses).some((n) => n > 0) ? job.statuses : undefined;
  return (
    <Modal onClose={onClose} width="large">
      <ModalHeader>
        <ModalTitle>{t('admin.job.title', { runId: job.runId })}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.200">
          {outcomeMessage(t, job)}
          <Stack space="space.100">
            <Row label={t('jobs.column.state')}>{stateLozenge(t, job.state)}</Row>
            <Row label={t('jobs.column.execution')}>
              {executions.length === 0 ? (
                <Text>{t('common.none')}</Text>
              ) : (
                <Inline space="space.100" shouldWrap>
                  {executions.map((key) => (
                    <Link key={key} href={browsePath(key)}>
                      {key}
                    </Link>
                  ))}
                </Inline>
              )}
            </Row>
            <Row label={t('admin.job.results')}>{byStatus ? statusCounts(t, byStatus) : <Text>{t('common.none')}</Text>}</Row>
            <Row label={t('admin.job.countsLabel')}>
              <Text>{t('admin.job.counts', { ...job.counts })}</Text>
            </Row>
            <Row label={t('admin.job.received')}>{when(t, job.createdAt)}</Row>
            <Row label={t('jobs.column.updated')}>{when(t, job.updatedAt)}</Row>
            {job.attempts > 1 && (
              <Row label={t('admin.job.attemptsLabel')}>
                <Text>{t.number(job.attempts)}</Text>
              </Row>
            )}
          </Stack>
          <Heading size="xxsmall">{t('admin.job.unmappedHeading')}</Heading>
          {job.unmapped.length === 0 ? (
            <Text>{t('admin.job.noneUnmapped')}</Text>
          ) : (
            <Stack space="space.050">
              <Inline space="space.100" shouldWrap>
                {job.unmapped.map((id) => (
                  <Link key={id} href={testsigmaCaseUrl(testsigmaBaseUrl, id)} openNewTab>
                    {t('admin.job.testCase', { id: displayId(id) })}
                  </Link>
                ))}
              </Inline>
              {moreUnmapped && <Text size="small">{t('admin.job.firstUnmapped', { shown: job.unmapped.length, total: job.counts.unmapped })}</Text>}
              <Text size="small">{t('admin.job.unmappedHint')}</Text>
            </Stack>
          )}
          <Heading size="xxsmall">{t('admin.job.errorsHeading')}</Heading>
          {job.errors.length === 0 ? (
            <Text>{t('admin.job.noErrors')}</Text>
          ) : (
            <List type="unordered">
              {job.errors.map((error, i) => (
                <ListItem key={i}>{error}</ListItem>
              ))}
            </List>
          )}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button appearance="primary" onClick={onClose}>
          {t('common.close')}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
