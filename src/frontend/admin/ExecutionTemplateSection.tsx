import { useEffect, useState } from 'react';
import { ButtonGroup, Checkbox, Heading, Inline, LoadingButton, Lozenge, Select, Stack, Text, Textfield } from '@forge/react';
import type { ExecutionFieldView, SettingsPatch, SettingsView } from '../../shared/types';
import { ErrorMessage, type ShownError } from '../common/ErrorMessage';
import { Field } from '../common/Field';
import type { Notify } from '../common/flag';
import { useT } from '../common/i18n';
import type { AdminCaller } from '../invoke';
import { useSaveSettings } from './useSaveSettings';

/** Props of {@link ExecutionTemplateSection}. */
export interface ExecutionTemplateSectionProps {
  call: AdminCaller;
  settings: SettingsView;
  /** Projects for the created Tests' project picker. */
  projects: Array<{ key: string; name: string }> | undefined;
  notify: Notify;
  onSaved: (settings: SettingsView) => void;
}

type Option = { label: string; value: string };

/** What the section edits: the template's pickers, the required fields' values, and the two switches. */
interface TemplateEdits {
  fixVersions: string[];
  components: string[];
  /** Space-separated, as Jira writes labels. */
  labels: string;
  /** Required option fields (by id) and the value picked. */
  fields: Record<string, string>;
  /** The fields as saved, so that a save keeps what the pickers do not show (fields set through the API). */
  savedFields: Record<string, unknown>;
  splitByMachine: boolean;
  createTests: boolean;
  createTestsProject: string;
}

/** The option a saved field holds (`{ value }` or a bare string), as its picker shows it. */
function optionValue(v: unknown): string | undefined {
  const value = typeof v === 'object' && v !== null ? (v as { value?: unknown }).value : v;
  return typeof value === 'string' ? value : undefined;
}

function editsOf(s: SettingsView): TemplateEdits {
  const t = s.testExecution ?? {};
  const fields: Record<string, string> = {};
  for (const [id, v] of Object.entries(t.fields ?? {})) {
    const value = optionValue(v);
    if (value !== undefined) fields[id] = value;
  }
  return {
    savedFields: { ...(t.fields ?? {}) },
    fixVersions: t.fixVersions ?? [],
    components: t.components ?? [],
    labels: (t.labels ?? []).join(' '),
    fields,
    splitByMachine: t.splitByMachine ?? false,
    createTests: s.createTests?.enabled ?? false,
    createTestsProject: s.createTests?.projectKey ?? '',
  };
}

/** The saved fields with the pickers' changes: a picked option replaces its field, a cleared one removes it. */
function pickedFields(e: TemplateEdits): Record<string, unknown> {
  const fields = { ...e.savedFields };
  for (const [id, value] of Object.entries(e.fields)) {
    if (value === optionValue(e.savedFields[id])) continue;
    if (value === '') delete fields[id];
    else fields[id] = { value };
  }
  return fields;
}

/** The patch for the edits: the whole template (each part replaces the saved one) and createTests. */
export function templatePatch(e: TemplateEdits): SettingsPatch {
  const labels = e.labels.split(/\s+/).filter((l) => l !== '');
  return {
    testExecution: {
      fixVersions: e.fixVersions,
      components: e.components,
      labels,
      fields: pickedFields(e),
      splitByMachine: e.splitByMachine,
    },
    createTests: { enabled: e.createTests, projectKey: e.createTestsProject },
  };
}

/**
 * The Test Execution template on the Mapping tab (contract section 8): fixVersions, components and the fields Jira
 * requires, picked from the create metadata of the default project's Test Execution type (`listExecutionFields`),
 * labels, split by machine, and created Tests. Saved on its own; the backend checks it against Jira again.
 */
export function ExecutionTemplateSection({ call, settings, projects, notify, onSaved }: ExecutionTemplateSectionProps) {
  const t = useT();
  const [edits, keepEdits] = useState<TemplateEdits>(() => editsOf(settings));
  const [meta, setMeta] = useState<ExecutionFieldView[]>();
  const [metaError, setMetaError] = useState<ShownError>();
  const project = settings.defaultProjectKey ?? '';
  const type = settings.issueTypes.testExecution?.[0];
  const { saving, error, save, clearError } = useSaveSettings(call, (saved) => {
    onSaved(saved);
    keepEdits(editsOf(saved));
  });
  // An edit answers an old refusal: it goes.
  const setEdits = (update: (e: TemplateEdits) => TemplateEdits) => {
    clearError();
    keepEdits(update);
  };
  const dirty = JSON.stringify(templatePatch(edits)) !== JSON.stringify(templatePatch(editsOf(settings)));

  useEffect(() => {
    if (project === '') return;
    void call('listExecutionFields', { projectKey: project, ...(type ? { issueType: type } : {}) }).then((answer) => {
      if (answer.ok) setMeta(answer.data.fields);
      else setMetaError(answer.error);
    });
  }, [call, project, type]);

  const allowed = (id: string) => meta?.find((f) => f.id === id)?.allowedValues ?? [];
  const options = (names: string[]): Option[] => names.map((n) => ({ label: n, value: n }));
  const required = (meta ?? []).filter((f) => f.required && f.id.startsWith('customfield_') && f.allowedValues);
  const projectOptions: Option[] = (projects ?? []).map((p) => ({ label: `${p.name} (${p.key})`, value: p.key }));

  const saveNow = async () => {
    if (await save(templatePatch(edits))) notify(t('admin.saved'));
  };

  return (
    <Stack space="space.200">
      <Heading size="small">{t('admin.template.heading')}</Heading>
      <Text>{project === '' ? t('admin.template.introNoProject') : t('admin.template.intro', { project })}</Text>
      {metaError && <ErrorMessage error={metaError} />}
      <Field narrow id="template-fix-versions" label={t('admin.template.fixVersions')}>
        <Select
          inputId="template-fix-versions"
          isMulti
          options={options([...new Set([...allowed('fixVersions'), ...edits.fixVersions])])}
          value={options(edits.fixVersions)}
          onChange={(picked: Option[] | null) => setEdits((e) => ({ ...e, fixVersions: (picked ?? []).map((o) => o.value) }))}
        />
      </Field>
      <Field narrow id="template-components" label={t('admin.template.components')}>
        <Select
          inputId="template-components"
          isMulti
          options={options([...new Set([...allowed('components'), ...edits.components])])}
          value={options(edits.components)}
          onChange={(picked: Option[] | null) => setEdits((e) => ({ ...e, components: (picked ?? []).map((o) => o.value) }))}
        />
      </Field>
      <Field narrow id="template-labels" label={t('admin.template.labels')} help={t('admin.template.labelsHelp')}>
        <Textfield id="template-labels" value={edits.labels} onChange={(event) => setEdits((e) => ({ ...e, labels: String(event.target.value ?? '') }))} />
      </Field>
      {required.map((f) => (
        <Field narrow key={f.id} id={`template-field-${f.id}`} label={t('admin.template.requiredField', { name: f.name })}>
          <Select
            inputId={`template-field-${f.id}`}
            options={options(f.allowedValues ?? [])}
            value={edits.fields[f.id] ? { label: edits.fields[f.id]!, value: edits.fields[f.id]! } : null}
            onChange={(picked: Option | null) => setEdits((e) => ({ ...e, fields: { ...e.fields, [f.id]: picked?.value ?? '' } }))}
          />
        </Field>
      ))}
      <Checkbox
        id="template-split-by-machine"
        label={t('admin.template.splitByMachine')}
        isChecked={edits.splitByMachine}
        onChange={(event) => setEdits((e) => ({ ...e, splitByMachine: Boolean(event.target.checked) }))}
      />
      <Checkbox
        id="create-tests"
        label={t('admin.template.createTests')}
        isChecked={edits.createTests}
        onChange={(event) => setEdits((e) => ({ ...e, createTests: Boolean(event.target.checked) }))}
      />
      <Field narrow id="create-tests-project" label={t('admin.template.createTestsProject')} help={t('admin.template.createTestsHelp')}>
        <Select
          inputId="create-tests-project"
          options={projectOptions}
          value={edits.createTestsProject === '' ? null : (projectOptions.find((o) => o.value === edits.createTestsProject) ?? { label: edits.createTestsProject, value: edits.createTestsProject })}
          onChange={(picked: Option | null) => setEdits((e) => ({ ...e, createTestsProject: picked?.value ?? '' }))}
        />
      </Field>
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <ButtonGroup>
          <LoadingButton appearance={dirty ? 'primary' : 'default'} isLoading={saving} onClick={() => void saveNow()}>
            {t('admin.template.save')}
          </LoadingButton>
        </ButtonGroup>
        {dirty && <Lozenge appearance="inprogress">{t('admin.unsaved')}</Lozenge>}
      </Inline>
      {error && <ErrorMessage error={error} />}
    </Stack>
  );
}
