import { useState } from 'react';
import { ButtonGroup, Heading, Inline, LoadingButton, Stack, Text, Textfield } from '@forge/react';
import { errorText, type ShownError } from '../common/ErrorMessage';
import { Field, FIELD_WIDTH, type FieldMessage } from '../common/Field';
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

  // Under the field the id was typed in: a refusal, or where the case is held.
  const message: FieldMessage | undefined = error ? { kind: 'error', text: errorText(t, error) } : said ? { kind: 'helper', text: said } : undefined;

  return (
    <Stack space="space.100">
      <Heading size="small">{t('admin.freeCase.heading')}</Heading>
      <Text>{t('admin.freeCase.intro')}</Text>
      <Field id="free-case-id" label={t('admin.freeCase.label')} {...(message ? { message } : {})}>
        <Textfield
          id="free-case-id"
          width={FIELD_WIDTH}
          value={id}
          isInvalid={error !== undefined}
          onChange={(event) => {
            // A new id answers the last one: its message goes.
            setError(undefined);
            setSaid(undefined);
            setId(String(event.target.value ?? ''));
          }}
        />
      </Field>
      <Inline>
        <ButtonGroup>
          <LoadingButton isLoading={busy} isDisabled={id.trim() === ''} onClick={() => void free()}>
            {t('admin.freeCase.button')}
          </LoadingButton>
        </ButtonGroup>
      </Inline>
    </Stack>
  );
}
