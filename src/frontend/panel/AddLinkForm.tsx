import { useState } from 'react';
import { Button, Inline, Label, List, ListItem, LoadingButton, SectionMessage, Stack, Text, TextArea, Textfield } from '@forge/react';
import type { IssueKind } from '../../shared/types';
import { errorText } from '../common/ErrorMessage';
import { displayId } from '../common/format';
import { useT } from '../common/i18n';
import { textWithIssueLinks } from '../common/issueKeyLinks';
import { inputId, isSingleLink, splitInputs, type LinkOutcome } from './panelModel';

const FIELD_ID = 'testsigma-link-input';

/** Props of {@link AddLinkForm}. */
export interface AddLinkFormProps {
  kind: IssueKind;
  /** Another change is on its way: the button waits for it. */
  busy: boolean;
  /** Links each id or URL, one `link` call each, and answers how each fared. */
  onLink: (inputs: string[]) => Promise<LinkOutcome[]>;
  /** Open at once (nothing is linked yet: the field is the empty state's action), else behind "+ Link ...". */
  startOpen: boolean;
  /** The user opened the field: the panel clears an error it showed for an earlier action. */
  onOpen?: () => void;
}

/**
 * A subtle "+ Link test case" that opens the field with Link and Cancel (open at once when nothing is linked yet).
 * A Test takes several ids or URLs at once (commas, spaces or new lines) in a TextArea, each with its own outcome; a
 * Test Set or Test Plan takes one, in a one-line Textfield. What failed stays in the field so the user can fix a
 * typo rather than paste again; when all went through, the form closes.
 */
export function AddLinkForm({ kind, busy, onLink, startOpen, onOpen }: AddLinkFormProps) {
  const t = useT();
  const [open, setOpen] = useState(startOpen);
  const [empty, setEmpty] = useState(false);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [outcomes, setOutcomes] = useState<LinkOutcome[]>([]);
  const inputs = splitInputs(text);
  // A Test Set or Test Plan takes one id: say so rather than link the first and drop the rest.
  const tooMany = isSingleLink(kind) && inputs.length > 1;

  const submit = async () => {
    // Link is never greyed out without a reason: pressed on an empty field, it says what it needs.
    if (inputs.length === 0) return setEmpty(true);
    if (tooMany || saving) return;
    setSaving(true);
    setOutcomes([]);
    const results = await onLink(inputs);
    setSaving(false);
    setText(results.filter((r) => !r.ok).map((r) => r.input).join('\n'));
    setOutcomes(results);
    if (results.every((r) => r.ok && r.linked.length > 0)) setOpen(false);
  };
  const cancel = () => {
    setText('');
    setOutcomes([]);
    setEmpty(false);
    setOpen(false);
  };
  const change = (value: string) => {
    setText(value);
    // The user is acting again: what the last attempt said no longer stands beside the new input.
    setOutcomes([]);
    setEmpty(false);
  };
  if (!open) {
    return (
      <Inline>
        <Button
          appearance="subtle"
          spacing="compact"
          isDisabled={busy}
          onClick={() => {
            setOpen(true);
            onOpen?.();
          }}
        >
          {t(`panel.kind.${kind}.add`)}
        </Button>
      </Inline>
    );
  }
  const failed = outcomes.filter((o): o is Extract<LinkOutcome, { ok: false }> => !o.ok);
  const linked = outcomes.filter((o) => o.ok && o.linked.length > 0);
  // Already linked here: nothing went wrong and nothing changed; said as information, not counted as linked.
  const already = outcomes.filter((o) => o.ok && o.linked.length === 0);

  return (
    <Stack space="space.100">
      <Label labelFor={FIELD_ID}>{t(`panel.kind.${kind}.fieldLabel`)}</Label>
      {isSingleLink(kind) ? (
        <Textfield
          id={FIELD_ID}
          name="testsigmaIds"
          value={text}
          placeholder={t(`panel.kind.${kind}.placeholder`)}
          onChange={(event) => change(String(event.target.value ?? ''))}
        />
      ) : (
        <TextArea
          id={FIELD_ID}
          name="testsigmaIds"
          value={text}
          minimumRows={2}
          resize="vertical"
          placeholder={t(`panel.kind.${kind}.placeholder`)}
          onChange={(event) => change(String(event.target.value ?? ''))}
        />
      )}
      <Inline space="space.100">
        <LoadingButton appearance="primary" isLoading={saving} isDisabled={busy || tooMany} onClick={() => void submit()}>
          {inputs.length > 1 ? t.plural('panel.add.linkMany', inputs.length) : t('panel.add.link')}
        </LoadingButton>
        <Button appearance="subtle" isDisabled={saving} onClick={cancel}>
          {t('common.cancel')}
        </Button>
      </Inline>
      {empty && <Text size="small">{t(`panel.kind.${kind}.needId`)}</Text>}
      {tooMany && <Text size="small">{t(`panel.kind.${kind}.oneOnly`)}</Text>}
      {already.length > 0 && (
        <SectionMessage appearance="information">
          <List type="unordered">
            {already.map((a) => (
              <ListItem key={a.input}>{t(`panel.kind.${kind}.already`, { id: displayId(inputId(a.input)) })}</ListItem>
            ))}
          </List>
        </SectionMessage>
      )}
      {failed.length > 0 && (
        <SectionMessage
          // Some linked, some not: a partial success is a warning, not an error.
          appearance={linked.length > 0 ? 'warning' : 'error'}
          title={linked.length > 0 ? t('panel.add.someFailed', { linked: linked.length, failed: failed.length }) : t.plural('panel.add.failed', failed.length)}
        >
          <List type="unordered">
            {failed.map((f) => (
              <ListItem key={f.input}>
                {textWithIssueLinks(t('panel.add.outcome', { input: /^\d+$/.test(f.input) ? displayId(f.input) : f.input, message: errorText(t, f) }))}
              </ListItem>
            ))}
          </List>
        </SectionMessage>
      )}
    </Stack>
  );
}
