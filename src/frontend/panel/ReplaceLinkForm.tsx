import { useState } from 'react';
import { Button, Inline, Label, LoadingButton, Stack, Text, Textfield } from '@forge/react';
import { displayId } from '../common/format';
import { useT } from '../common/i18n';
import { inputId, splitInputs } from './panelModel';

const FIELD_ID = 'testsigma-replace-input';

/** Props of {@link ReplaceLinkForm}. */
export interface ReplaceLinkFormProps {
  kind: 'testSet' | 'testPlan';
  /** The Testsigma id linked now, which the new one replaces. */
  current: string;
  /** Replacing is under way: Replace spins, Cancel waits. */
  busy: boolean;
  /** Replaces the current link by the typed id or URL (unlink, then link). */
  onReplace: (input: string) => void;
  onCancel: () => void;
}

/**
 * The field that "Replace" in a Test Set's or Test Plan's row menu opens: one id or URL, checked here before anything
 * changes (empty, several, not an id, the one linked now), so that the unlink never runs for an input the link would
 * refuse on its face.
 */
export function ReplaceLinkForm({ kind, current, busy, onReplace, onCancel }: ReplaceLinkFormProps) {
  const t = useT();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = () => {
    const inputs = splitInputs(text);
    const id = inputs.length === 1 ? inputId(inputs[0]!) : '';
    if (inputs.length === 0) return setProblem(t(`panel.kind.${kind}.needId`));
    if (inputs.length > 1) return setProblem(t(`panel.kind.${kind}.oneOnly`));
    if (!/^\d{1,19}$/.test(id)) return setProblem(t('panel.replace.notAnId', { input: inputs[0]! }));
    if (id.replace(/^0+(?=\d)/, '') === current) return setProblem(t('panel.replace.same', { id: displayId(current) }));
    onReplace(inputs[0]!);
  };
  return (
    <Stack space="space.100">
      <Label labelFor={FIELD_ID}>{t(`panel.kind.${kind}.replaceLabel`, { id: displayId(current) })}</Label>
      <Textfield
        id={FIELD_ID}
        name="testsigmaId"
        value={text}
        placeholder={t(`panel.kind.${kind}.placeholder`)}
        onChange={(event) => {
          setText(String(event.target.value ?? ''));
          // The user is acting again: what the last check said no longer stands.
          setProblem(undefined);
        }}
      />
      <Inline space="space.100">
        <LoadingButton appearance="primary" isLoading={busy} onClick={submit}>
          {t('panel.replace.confirm')}
        </LoadingButton>
        <Button appearance="subtle" isDisabled={busy} onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </Inline>
      {problem !== undefined && <Text size="small">{problem}</Text>}
    </Stack>
  );
}
