import { useEffect, useState, type ReactElement } from 'react';
import { Button, ButtonGroup, Checkbox, DynamicTable, Heading, Inline, Label, LoadingButton, Lozenge, Select, Stack, Text, Textfield } from '@forge/react';
import type { SettingsView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT, type Translator } from '../common/i18n';
import { statusLozenge } from '../common/statusLozenge';
import { useRunOnce } from '../common/useRunOnce';
import type { AdminCaller } from '../invoke';
import { isEmptyPatch } from './connectionModel';
import {
  mappingFields,
  mappingPatch,
  nameOptions,
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
import { useSaveSettings } from './useSaveSettings';
import { ExecutionTemplateSection } from './ExecutionTemplateSection';

/** Props of {@link MappingTab}. */
export interface MappingTabProps {
  call: AdminCaller;
  settings: SettingsView;
  /** The site's Xray run statuses (the last connection test's, or `setup.xrayStatuses`), when known. */
  xrayStatuses: string[] | undefined;
  notify: Notify;
  onSaved: (settings: SettingsView) => void;
}

type Option = { label: string; value: string };
type Project = { id: string; key: string; name: string };
type Types = { status: 'loading' } | { status: 'failed' } | { status: 'ready'; names: string[] };

/**
 * The status map, issue types, where Test Executions and defects go, and the evidence switch; saves only what
 * changed. Projects and issue types come from Jira (`listProjects`, `listIssueTypes`), statuses from Xray.
 */
export function MappingTab({ call, settings, xrayStatuses, notify, onSaved }: MappingTabProps) {
  const t = useT();
  const [edits, keepEdits] = useState<StatusEdits>({});
  const [fields, keepFields] = useState<MappingFields>(() => mappingFields(settings));
  const [newWord, keepNewWord] = useState('');
  const [newStatus, keepNewStatus] = useState('');
  const [addProblem, setAddProblem] = useState<{ key: string; params?: Record<string, string> }>();
  const [projects, setProjects] = useState<Project[]>();
  const [pickerError, setPickerError] = useState<ShownError>();
  const [types, setTypes] = useState<Record<string, Types>>({});
  const { saving, error: saveError, save, clearError } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    keepEdits({});
    keepFields(mappingFields(saved));
  });
  // The admin acting again answers an old refusal: it goes rather than stand beside the new values.
  const setEdits = (update: (e: StatusEdits) => StatusEdits) => {
    clearError();
    keepEdits(update);
  };
  const setFields = (update: (f: MappingFields) => MappingFields) => {
    clearError();
    keepFields(update);
  };
  const setNewWord = (word: string) => {
    setAddProblem(undefined);
    keepNewWord(word);
  };
  const setNewStatus = (status: string) => {
    setAddProblem(undefined);
    keepNewStatus(status);
  };

  useRunOnce(() => {
    void call('listProjects', {}).then((answer) => {
      if (answer.ok) setProjects(answer.data.projects);
      else setPickerError(answer.error);
    });
  });
  // Issue types differ by project: read them for the default project (else the first), and for the defects' one.
  const typesProject = fields.defaultProjectKey || projects?.[0]?.key || '';
  const defectsProject = fields.defectsProjectKey || typesProject;
  useEffect(() => {
    for (const key of new Set([typesProject, defectsProject])) {
      if (key === '' || types[key]) continue;
      setTypes((all) => ({ ...all, [key]: { status: 'loading' } }));
      void call('listIssueTypes', { projectKey: key }).then((answer) =>
        setTypes((all) => ({
          ...all,
          [key]: answer.ok ? { status: 'ready', names: answer.data.issueTypes.map((type) => type.name) } : { status: 'failed' },
        })),
      );
    }
  }, [call, typesProject, defectsProject, types]);
  const typeNames = (key: string): string[] => {
    const entry = types[key];
    return entry?.status === 'ready' ? entry.names : [];
  };

  const stored = settings.statusMap;
  const rows = statusRows(stored, edits);
  const patch = mappingPatch(settings, edits, fields);
  const projectOptions: Option[] = (projects ?? []).map((p) => ({ label: `${p.name} (${p.key})`, value: p.key }));
  const projectValue = (key: string, emptyLabel: string): Option =>
    key === '' ? { label: emptyLabel, value: '' } : (projectOptions.find((o) => o.value === key) ?? { label: key, value: key });

  const statusInput = (id: string, value: string, onPick: (status: string) => void): ReactElement =>
    xrayStatuses ? (
      <Select
        inputId={id}
        options={statusOptions(t, xrayStatuses, value)}
        value={value === '' ? null : { label: value, value }}
        placeholder={t('admin.mapping.pickStatus')}
        onChange={(option: Option | null) => onPick(option?.value ?? '')}
      />
    ) : (
      <Textfield id={id} value={value} onChange={(event) => onPick(String(event.target.value ?? ''))} />
    );

  const addWord = () => {
    const problem = newWordProblem(rows, newWord, newStatus);
    setAddProblem(problem);
    if (problem !== undefined) return;
    setEdits((e) => setStatus(stored, e, normaliseWord(newWord), newStatus.trim()));
    keepNewWord('');
    keepNewStatus('');
  };

  // Which save bar was pressed: its answer shows there, where the admin looks.
  const [savedFrom, setSavedFrom] = useState<'top' | 'bottom'>('bottom');
  const saveNow = async (from: 'top' | 'bottom') => {
    setSavedFrom(from);
    if (await save(patch)) notify(t('admin.saved'));
  };
  const dirty = !isEmptyPatch(patch);
  // At the top and at the end: the tab is long, and Save stays in reach wherever the admin changed something.
  const saveBar = (from: 'top' | 'bottom') => (
    <Stack space="space.100">
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <ButtonGroup>
          <LoadingButton appearance="primary" isLoading={saving && savedFrom === from} isDisabled={!dirty || saving} onClick={() => void saveNow(from)}>
            {t('admin.save')}
          </LoadingButton>
        </ButtonGroup>
        {dirty && <Lozenge appearance="inprogress">{t('admin.unsaved')}</Lozenge>}
      </Inline>
      {saveError && savedFrom === from && <ErrorMessage error={saveError} />}
    </Stack>
  );

  return (
    <Stack space="space.200">
      {saveBar('top')}
      <Heading size="small">{t('admin.mapping.statusHeading')}</Heading>
      <Text>{t(xrayStatuses ? 'admin.mapping.statusIntro' : 'admin.mapping.statusIntroNoStatuses')}</Text>
      <DynamicTable
        label={t('admin.mapping.statusCaption')}
        head={{
          cells: [
            { key: 'incoming', content: t('admin.mapping.incoming'), width: 22 },
            { key: 'xray', content: t('admin.mapping.xray'), width: 16 },
            { key: 'change', content: t('admin.mapping.changeTo'), width: 32 },
            { key: 'actions', content: '', width: 30 },
          ],
        }}
        rows={rows.map((row) => ({
          key: row.incoming,
          cells: [
            // The incoming word labels its row's status input: a screen reader hears "SUCCESS" on the Select.
            { key: 'incoming', content: <Label labelFor={`status-${row.incoming}`}>{row.incoming}</Label> },
            // In Xray's colours, as the panel shows results: what passes is green, what fails red.
            { key: 'xray', content: row.xray || row.defaultStatus ? statusLozenge(row.xray || row.defaultStatus!) : t('common.none') },
            {
              key: 'change',
              content: statusInput(`status-${row.incoming}`, row.xray, (status) =>
                setEdits((e) => setStatus(stored, e, row.incoming, status)),
              ),
            },
            { key: 'actions', content: rowActions(t, row, setEdits, stored) },
          ],
        }))}
      />
      <Inline space="space.100" alignBlock="end" shouldWrap>
        <Field id="new-status-word" label={t('admin.mapping.newWord')}>
          <Textfield
            id="new-status-word"
            value={newWord}
            placeholder={t('admin.mapping.newWordPlaceholder')}
            onChange={(event) => setNewWord(String(event.target.value ?? ''))}
          />
        </Field>
        <Field id="new-status-xray" label={t('admin.mapping.becomes')}>
          {statusInput('new-status-xray', newStatus, setNewStatus)}
        </Field>
        <Button onClick={addWord}>{t('admin.mapping.addRow')}</Button>
      </Inline>
      {addProblem !== undefined && <ErrorMessage error={{ code: 'invalid_settings', message: t(addProblem.key, addProblem.params) }} />}

      <Heading size="small">{t('admin.mapping.typesHeading')}</Heading>
      <Text>{t('admin.mapping.typesIntro', { project: typesProject || t('common.none') })}</Text>
      {pickerError && <ErrorMessage error={pickerError} />}
      {(['test', 'testSet', 'testPlan'] as const).map((kind) => (
        <Field narrow key={kind} id={`issue-types-${kind}`} label={t(`admin.mapping.types.${kind}`)}>
          <Select
            inputId={`issue-types-${kind}`}
            isMulti
            options={nameOptions(typeNames(typesProject), fields.issueTypes[kind])}
            value={fields.issueTypes[kind].map((name) => ({ label: name, value: name }))}
            onChange={(options: Option[] | null) =>
              setFields((f) => ({ ...f, issueTypes: { ...f.issueTypes, [kind]: (options ?? []).map((o) => o.value) } }))
            }
          />
        </Field>
      ))}
      <Field narrow id="issue-types-testExecution" label={t('admin.mapping.types.testExecution')} help={t('admin.mapping.types.testExecutionHelp')}>
        <Select
          inputId="issue-types-testExecution"
          options={nameOptions(typeNames(typesProject), [fields.testExecutionType])}
          value={{ label: fields.testExecutionType, value: fields.testExecutionType }}
          onChange={(option: Option | null) => option && setFields((f) => ({ ...f, testExecutionType: option.value }))}
        />
      </Field>

      <Heading size="small">{t('admin.mapping.executionsHeading')}</Heading>
      <Field narrow id="default-project-key" label={t('admin.mapping.defaultProject')} help={t('admin.mapping.defaultProjectHelp')}>
        <Select
          inputId="default-project-key"
          isLoading={projects === undefined && !pickerError}
          options={[{ label: t('admin.mapping.firstTestProject'), value: '' }, ...projectOptions]}
          value={projectValue(fields.defaultProjectKey, t('admin.mapping.firstTestProject'))}
          onChange={(option: Option | null) => setFields((f) => ({ ...f, defaultProjectKey: option?.value ?? '' }))}
        />
      </Field>
      <Checkbox
        id="attach-evidence"
        label={t('admin.mapping.attachEvidence')}
        isChecked={fields.attachEvidence}
        onChange={(event) => setFields((f) => ({ ...f, attachEvidence: Boolean(event.target.checked) }))}
      />

      <Heading size="small">{t('admin.mapping.defectsHeading')}</Heading>
      <Field narrow id="defects-project" label={t('admin.mapping.defectsProject')}>
        <Select
          inputId="defects-project"
          isLoading={projects === undefined && !pickerError}
          options={[{ label: t('admin.mapping.testProject'), value: '' }, ...projectOptions]}
          value={projectValue(fields.defectsProjectKey, t('admin.mapping.testProject'))}
          onChange={(option: Option | null) => setFields((f) => ({ ...f, defectsProjectKey: option?.value ?? '' }))}
        />
      </Field>
      <Field narrow id="defects-type" label={t('admin.mapping.defectsType')}>
        <Select
          inputId="defects-type"
          options={nameOptions(typeNames(defectsProject), [fields.defectsIssueType])}
          value={{ label: fields.defectsIssueType, value: fields.defectsIssueType }}
          onChange={(option: Option | null) => option && setFields((f) => ({ ...f, defectsIssueType: option.value }))}
        />
      </Field>

      {saveBar('bottom')}
      <ExecutionTemplateSection call={call} settings={settings} projects={projects} notify={notify} onSaved={onSaved} />
    </Stack>
  );
}

/** Xray's statuses, plus the current value when Xray lacks it, so that the Select can still show it. */
function statusOptions(t: Translator, xrayStatuses: string[], current: string): Option[] {
  const names = current !== '' && !xrayStatuses.includes(current) ? [...xrayStatuses, current] : xrayStatuses;
  return names.map((name) => ({
    label: xrayStatuses.includes(name) ? name : t('admin.mapping.notInXray', { status: name }),
    value: name,
  }));
}

// A plain function, not a component: DynamicTable calls cell components as functions, where hooks would break.
function rowActions(
  t: Translator,
  row: StatusRow,
  setEdits: (update: (edits: StatusEdits) => StatusEdits) => void,
  stored: Record<string, string>,
): ReactElement {
  return (
    <Inline space="space.100" alignBlock="center">
      {row.pendingReset && (
        <Text size="small">
          {row.defaultStatus !== undefined ? t('admin.mapping.backTo', { status: row.defaultStatus }) : t('admin.mapping.removedOnSave')}
        </Text>
      )}
      {row.resettable && (
        <Button spacing="compact" onClick={() => setEdits((e) => resetStatus(stored, e, row.incoming))}>
          {row.defaultStatus !== undefined ? t('admin.mapping.reset') : t('admin.mapping.remove')}
        </Button>
      )}
      {row.edited && (
        <Button appearance="subtle" spacing="compact" onClick={() => setEdits((e) => undoStatus(e, row.incoming))}>
          {t('admin.mapping.undo')}
        </Button>
      )}
    </Inline>
  );
}
