import { useState } from 'react';
import { Inline, Label, List, ListItem, LoadingButton, SectionMessage, Stack, Text, TextArea } from '@forge/react';
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
}

/**
 * The field and "Link" button. A Test takes several ids or URLs at once (commas, spaces or new lines); each gets
 * its own outcome. What failed stays in the field so the user can fix a typo rather than paste again.
 */
export function AddLinkForm({ kind, busy, onLink }: AddLinkFormProps) {
  const t = useT();
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const [outcomes, setOutcomes] = useState<LinkOutcome[]>([]);
  const inputs = splitInputs(text);
  // A Test Set or Test Plan takes one id: say so rather than link the first and drop the rest.
  const tooMany = isSingleLink(kind) && inputs.length > 1;

  const submit = async () => {
    if (inputs.length === 0 || tooMany || saving) return;
    setSaving(true);
    setOutcomes([]);
    const results = await onLink(inputs);
    setSaving(false);
    setText(results.filter((r) => !r.ok).map((r) => r.input).join('\n'));
    setOutcomes(results);
  };
  const failed = outcomes.filter((o): o is Extract<LinkOutcome, { ok: false }> => !o.ok);
  const linked = outcomes.filter((o) => o.ok && o.linked.length > 0);
  // Already linked here: nothing went wrong and nothing changed; said as information, not counted as linked.
  const already = outcomes.filter((o) => o.ok && o.linked.length === 0);

  return (
    <Stack space="space.100">
      <Label labelFor={FIELD_ID}>{t(`panel.kind.${kind}.fieldLabel`)}</Label>
      <TextArea
        id={FIELD_ID}
        name="testsigmaIds"
        value={text}
        minimumRows={isSingleLink(kind) ? 1 : 2}
        resize="vertical"
        placeholder={t(`panel.kind.${kind}.placeholder`)}
        onChange={(event) => {
          setText(String(event.target.value ?? ''));
          // The user is acting again: what the last attempt said no longer stands beside the new input.
          setOutcomes([]);
        }}
      />
      <Inline>
        <LoadingButton
          appearance="primary"
          isLoading={saving}
          isDisabled={busy || inputs.length === 0 || tooMany}
          onClick={() => void submit()}
        >
          {inputs.length > 1 ? t.plural('panel.add.linkMany', inputs.length) : t('panel.add.link')}
        </LoadingButton>
      </Inline>
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
