import {
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
  Stack,
  Text,
} from '@forge/react';
import type { JobView } from '../../shared/types';
import { browsePath, displayId } from '../common/format';
import { useT } from '../common/i18n';
import { stateLozenge } from '../common/jobCells';
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

/**
 * Everything the sync log knows about one delivery, in a Modal over the table (so paging and scroll stay where
 * they were): its state, Test Execution, counts, unmapped test cases linked to Testsigma, and all its errors.
 */
export function JobDetail({ job, testsigmaBaseUrl, onClose }: JobDetailProps) {
  const t = useT();
  const moreUnmapped = job.counts.unmapped > job.unmapped.length;
  return (
    <Modal onClose={onClose} width="large">
      <ModalHeader>
        <ModalTitle>{t('admin.job.title', { runId: job.runId })}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <Stack space="space.150">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            {stateLozenge(t, job.state)}
            <Text>{t('admin.job.received')}</Text>
            {when(t, job.createdAt)}
            <Text>{t('admin.job.updated')}</Text>
            {when(t, job.updatedAt)}
            {job.attempts > 1 && <Text>{t.plural('admin.job.attempts', job.attempts)}</Text>}
          </Inline>
          {job.testExecutionKey && (
            <Inline space="space.050" alignBlock="center">
              <Text>{t('jobs.column.execution')}</Text>
              <Link href={browsePath(job.testExecutionKey)}>{job.testExecutionKey}</Link>
            </Inline>
          )}
          <Text>{t('admin.job.counts', { ...job.counts })}</Text>
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
