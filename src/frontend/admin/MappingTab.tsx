import { useState, type ReactElement } from 'react';
import {
  Button,
  ButtonGroup,
  Checkbox,
  DynamicTable,
  Heading,
  Inline,
  Select,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { SettingsView, XrayTypeKind } from '../../shared/types';
import { ErrorMessage } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { AdminCaller } from '../invoke';
import { isEmptyPatch } from './connectionModel';
import {
  mappingFields,
  mappingPatch,
  newWordProblem,
  normaliseWord,
  resetStatus,
  setStatus,
  statusRows,
  undoStatus,
  type MappingFields,
  type StatusEdits,
  type StatusRow,
} from './mappingModel';
import { SaveOutcomeMessage } from './SaveOutcomeMessage';
import { useSaveSettings } from './useSaveSettings';

/** Props of {@link MappingTab}. */
export interface MappingTabProps {
  call: AdminCaller;
  settings: SettingsView;
  /** Xray's run statuses from the last connection test, when one ran. */
  xrayStatuses: string[] | undefined;
  onSaved: (settings: SettingsView) => void;
}

type Change = (event: { target: { value?: unknown; checked?: boolean } }) => void;

const KIND_LABELS: Record<XrayTypeKind, string> = {
  test: 'Test issue types',
  testSet: 'Test Set issue types',
  testPlan: 'Test Plan issue types',
};

/** The status map, issue type names, default project and evidence switch; saves only what changed. */
export function MappingTab({ call, settings, xrayStatuses, onSaved }: MappingTabProps) {
  const [edits, setEdits] = useState<StatusEdits>({});
  const [fields, setFields] = useState<MappingFields>(() => mappingFields(settings));
  const [newWord, setNewWord] = useState('');
  const [newStatus, setNewStatus] = useState('');
  const [addProblem, setAddProblem] = useState<string>();
  const { saving, outcome, save } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    setEdits({});
    setFields(mappingFields(saved));
  });

  const stored = settings.statusMap;
  const rows = statusRows(stored, edits);
  const patch = mappingPatch(settings, edits, fields);

  const statusInput = (id: string, value: string, onPick: (status: string) => void): ReactElement =>
    xrayStatuses ? (
      <Select
        id={id}
        options={statusOptions(xrayStatuses, value)}
        value={value === '' ? null : { label: value, value }}
        onChange={(option: { value: string } | null) => onPick(option?.value ?? '')}
      />
    ) : (
      <Textfield id={id} value={value} onChange={(event) => onPick(String(event.target.value ?? ''))} />
    );

  const addWord = () => {
    const problem = newWordProblem(rows, newWord, newStatus);
    setAddProblem(problem);
    if (problem !== undefined) return;
    setEdits((e) => setStatus(stored, e, normaliseWord(newWord), newStatus.trim()));
    setNewWord('');
    setNewStatus('');
  };

  const text =
    (apply: (value: string, current: MappingFields) => Partial<MappingFields>): Change =>
    (event) => {
      const value = String(event.target.value ?? '');
      setFields((f) => ({ ...f, ...apply(value, f) }));
    };

  return (
    <Stack space="space.200">
      <Heading size="small">Status map</Heading>
      <Text>
        How each incoming status becomes an Xray status. Incoming words are matched without regard to case; a status Xray
        does not know makes it refuse the whole run, so run "Test connection" to pick from Xray's own list.
      </Text>
      <DynamicTable
        caption="Status map"
        head={{
          cells: [
            { key: 'incoming', content: 'Incoming status' },
            { key: 'xray', content: 'Xray status' },
            { key: 'actions', content: '' },
          ],
        }}
        rows={rows.map((row) => ({
          key: row.incoming,
          cells: [
            { key: 'incoming', content: row.incoming },
            {
              key: 'xray',
              content: statusInput(`status-${row.incoming}`, row.xray, (status) =>
                setEdits((e) => setStatus(stored, e, row.incoming, status)),
              ),
            },
            { key: 'actions', content: rowActions(row, setEdits, stored) },
          ],
        }))}
      />
      <Inline space="space.100" alignBlock="end" shouldWrap>
        <Field id="new-status-word" label="New incoming status">
          <Textfield
            id="new-status-word"
            value={newWord}
            placeholder="BLOCKED"
            onChange={(event) => setNewWord(String(event.target.value ?? ''))}
          />
        </Field>
        <Field id="new-status-xray" label="Becomes">
          {statusInput('new-status-xray', newStatus, setNewStatus)}
        </Field>
        <Button onClick={addWord}>Add row</Button>
      </Inline>
      {addProblem !== undefined && <ErrorMessage message={addProblem} />}

      <Heading size="small">Issue types</Heading>
      <Text>Names of the issue types of each kind, comma-separated: for renamed or team-managed Xray types.</Text>
      {(['test', 'testSet', 'testPlan'] as const).map((kind) => (
        <Field key={kind} id={`issue-types-${kind}`} label={KIND_LABELS[kind]}>
          <Textfield
            id={`issue-types-${kind}`}
            value={fields.issueTypes[kind]}
            onChange={text((value, f) => ({ issueTypes: { ...f.issueTypes, [kind]: value } }))}
          />
        </Field>
      ))}

      <Heading size="small">Test Executions</Heading>
      <Field
        id="default-project-key"
        label="Default project key"
        help="Where Test Executions go when no linked Test Plan decides. Empty: the project of the run's first Test."
      >
        <Textfield
          id="default-project-key"
          value={fields.defaultProjectKey}
          onChange={text((value) => ({ defaultProjectKey: value }))}
        />
      </Field>
      <Checkbox
        id="attach-evidence"
        label="Add attachments to test execution"
        isChecked={fields.attachEvidence}
        onChange={(event) => setFields((f) => ({ ...f, attachEvidence: Boolean(event.target.checked) }))}
      />

      <ButtonGroup>
        <Button appearance="primary" isDisabled={saving || isEmptyPatch(patch)} onClick={() => void save(patch)}>
          Save
        </Button>
      </ButtonGroup>
      <SaveOutcomeMessage outcome={outcome} />
    </Stack>
  );
}

/** Xray's statuses, plus the current value when Xray lacks it, so that the Select can still show it. */
function statusOptions(xrayStatuses: string[], current: string): Array<{ label: string; value: string }> {
  const names = current !== '' && !xrayStatuses.includes(current) ? [...xrayStatuses, current] : xrayStatuses;
  return names.map((name) => ({
    label: xrayStatuses.includes(name) ? name : `${name} (not in Xray)`,
    value: name,
  }));
}

// A plain function, not a component: DynamicTable calls cell components as functions, where hooks would break.
function rowActions(
  row: StatusRow,
  setEdits: (update: (edits: StatusEdits) => StatusEdits) => void,
  stored: Record<string, string>,
): ReactElement {
  return (
    <Inline space="space.100" alignBlock="center">
      {row.pendingReset && (
        <Text size="small">
          {row.defaultStatus !== undefined ? `Back to ${row.defaultStatus} on save` : 'Removed on save'}
        </Text>
      )}
      {row.resettable && (
        <Button spacing="compact" onClick={() => setEdits((e) => resetStatus(stored, e, row.incoming))}>
          {row.defaultStatus !== undefined ? 'Reset' : 'Remove'}
        </Button>
      )}
      {row.edited && (
        <Button appearance="subtle" spacing="compact" onClick={() => setEdits((e) => undoStatus(e, row.incoming))}>
          Undo
        </Button>
      )}
    </Inline>
  );
}
