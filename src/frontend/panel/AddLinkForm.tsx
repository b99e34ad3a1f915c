import { useState } from 'react';
import { Button, Inline, Label, Stack, Textfield } from '@forge/react';
import type { IssueKind } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { kindCopy, normaliseInput } from './panelModel';

const FIELD_ID = 'testsigma-link-input';

/** Props of {@link AddLinkForm}. */
export interface AddLinkFormProps {
  kind: IssueKind;
  /** Another change is on its way: the button waits for it. */
  busy: boolean;
  /** Links the id or URL; resolves to the resolver's error message, or undefined on success. */
  onLink: (testsigmaIdOrUrl: string) => Promise<string | undefined>;
}

/**
 * The field and "Link" button. The typed text stays after a failed link so that the user can fix a typo rather than
 * paste again; it clears once the link is made.
 */
export function AddLinkForm({ kind, busy, onLink }: AddLinkFormProps) {
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const copy = kindCopy(kind);
  const input = normaliseInput(text);

  const submit = async () => {
    if (!input || saving) return;
    setSaving(true);
    setError(undefined);
    const failure = await onLink(input);
    setSaving(false);
    if (failure === undefined) setText('');
    else setError(failure);
  };

  return (
    <Stack space="space.100">
      <Label labelFor={FIELD_ID}>{copy.fieldLabel}</Label>
      <Inline space="space.100" alignBlock="center">
        <Textfield
          id={FIELD_ID}
          name="testsigmaId"
          value={text}
          placeholder={`A ${copy.entity} id, such as 609, or its Testsigma URL`}
          onChange={(event) => setText(String(event.target.value ?? ''))}
        />
        <Button appearance="primary" isDisabled={saving || busy || !input} onClick={() => void submit()}>
          Link
        </Button>
      </Inline>
      {error !== undefined && <ErrorMessage message={error} />}
    </Stack>
  );
}
