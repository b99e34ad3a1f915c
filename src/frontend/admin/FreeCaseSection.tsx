import { useState } from 'react';
import { Heading, Inline, LoadingButton, Stack, Text, Textfield } from '@forge/react';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import type { AdminCaller } from '../invoke';

/** Props of {@link FreeCaseSection}. */
export interface FreeCaseSectionProps {
  call: AdminCaller;
  notify: Notify;
}

/**
 * Frees one Testsigma test case held by a Test the app can no longer read (deleted while the app missed it, or
 * hidden from the app): the panel then answers "linked to another Test you cannot see" and asks for an admin. The
 * backend frees the case only when the app cannot read its Test, and says where it is otherwise.
 */
export function FreeCaseSection({ call, notify }: FreeCaseSectionProps) {
  const t = useT();
  const [id, setId] = useState('');
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string>();
  const [error, setError] = useState<ShownError>();

  const free = async () => {
    const testsigmaId = id.trim();
    setBusy(true);
    setError(undefined);
    setSaid(undefined);
    const answer = await call('freeCase', { testsigmaId });
    setBusy(false);
    if (!answer.ok) {
      setError(answer.error);
      return;
    }
    if (answer.data.freed) {
      notify(t('admin.freeCase.freed', { id: testsigmaId }));
      setId('');
      return;
    }
    setSaid(answer.data.heldBy ? t('admin.freeCase.heldBy', { id: testsigmaId, issue: answer.data.heldBy }) : t('admin.freeCase.notFreed', { id: testsigmaId }));
  };

  return (
    <Stack space="space.100">
      <Heading size="small">{t('admin.freeCase.heading')}</Heading>
      <Text>{t('admin.freeCase.intro')}</Text>
      <Field id="free-case-id" label={t('admin.freeCase.label')}>
        <Textfield id="free-case-id" value={id} onChange={(event) => setId(String(event.target.value ?? ''))} />
      </Field>
      <Inline>
        <LoadingButton isLoading={busy} isDisabled={id.trim() === ''} onClick={() => void free()}>
          {t('admin.freeCase.button')}
        </LoadingButton>
      </Inline>
      {said && <Text>{said}</Text>}
      {error && <ErrorMessage error={error} />}
    </Stack>
  );
}
