import { checkTemplate, executionFields, revisionFieldId, type CreateField } from '../../src/domain/execution-template';
import { machineGroups, machineRunId } from '../../src/domain/machine-split';
import { runLabel } from '../../src/domain/run-mark';

const META: CreateField[] = [
  { fieldId: 'summary', name: 'Summary', required: true, type: 'string' },
  { fieldId: 'issuetype', name: 'Issue Type', required: true, type: 'issuetype' },
  { fieldId: 'project', name: 'Project', required: true, type: 'project' },
  { fieldId: 'reporter', name: 'Reporter', required: true, type: 'user' },
  { fieldId: 'labels', name: 'Labels', required: false, type: 'array', items: 'string' },
  { fieldId: 'fixVersions', name: 'Fix versions', required: false, type: 'array', items: 'version', allowedValues: ['1.4'] },
  { fieldId: 'customfield_10034', name: 'Revision', required: false, type: 'string' },
  { fieldId: 'customfield_10050', name: 'Environment type', required: true, type: 'option', allowedValues: ['QA'] },
];

describe('the Test Execution template', () => {
  it('names a required field it lacks, an unknown field, a value Jira lacks, and a field the app sets itself', () => {
    expect(checkTemplate({}, META)).toEqual([{ field: 'testExecution.fields.customfield_10050', reason: 'required', detail: 'Environment type' }]);
    expect(checkTemplate({ fields: { 'Environment type': { value: 'QA' } } }, META)).toEqual([]);
    expect(checkTemplate({ fields: { customfield_10050: { value: 'QA' }, customfield_1: 'x' } }, META).map((p) => p.reason)).toEqual(['unknown']);
    expect(checkTemplate({ fields: { customfield_10050: { value: 'Prod' } } }, META).map((p) => p.reason)).toEqual(['value']);
    expect(checkTemplate({ fields: { customfield_10050: { value: 'QA' } }, fixVersions: ['2.0'] }, META)).toEqual([{ field: 'testExecution.fixVersions', reason: 'value', detail: '2.0' }]);
    expect(checkTemplate({ fields: { customfield_10050: { value: 'QA' }, summary: 'mine' } }, META).map((p) => p.reason)).toContain('reserved');
  });

  it('refuses more than 50 fields or 16 KB', () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`customfield_${i}`, 'x']));
    expect(checkTemplate({ fields: many }, []).some((p) => p.reason === 'tooMany')).toBe(true);
    expect(checkTemplate({ labels: ['x'.repeat(200)], fields: { a: 'y'.repeat(17_000) } }, []).some((p) => p.reason === 'tooLarge')).toBe(true);
  });

  it('sends the run\'s build as the Revision, its version beside the template\'s, and names as ids', () => {
    expect(revisionFieldId(META)).toBe('customfield_10034');
    const out = executionFields({ fixVersions: ['1.4'], labels: ['nightly'], fields: { 'Environment type': { value: 'QA' } } }, { buildNo: 'b-7', version: '1.5' }, META);
    expect(out).toEqual({
      fields: { fixVersions: [{ name: '1.4' }, { name: '1.5' }], customfield_10050: { value: 'QA' }, customfield_10034: 'b-7' },
      labels: ['nightly'],
      revisionLost: false,
    });
    expect(executionFields(undefined, { buildNo: 'b-7' }, undefined).revisionLost).toBe(true);
  });
});

describe('split by machine', () => {
  const delivery = {
    runId: 'r1',
    environments: ['staging'],
    results: [
      { testCaseId: '1', status: 'SUCCESS', machine: 'Chrome' },
      { testCaseId: '1', status: 'FAILURE', machine: 'Firefox' },
      { testCaseId: '2', status: 'SUCCESS' },
    ],
  };

  it('keys each machine\'s Test Execution by the run and the machine, with the machine as an environment', () => {
    const groups = machineGroups(delivery, true);
    expect(groups.map((g) => [g.machine, g.delivery.runId, g.delivery.environments, g.delivery.results.length])).toEqual([
      ['Chrome', machineRunId('r1', 'Chrome'), ['staging', 'Chrome'], 1],
      ['Firefox', machineRunId('r1', 'Firefox'), ['staging', 'Firefox'], 1],
      [undefined, 'r1', ['staging'], 1],
    ]);
    expect(machineRunId('r1', 'Chrome')).toBe(machineRunId('r1', 'Chrome'));
    expect(runLabel(machineRunId('r1', 'Chrome'))).not.toBe(runLabel(machineRunId('r1', 'chrome')));
  });

  it('leaves the delivery whole when off, or when the executor named a Test Execution', () => {
    expect(machineGroups(delivery, false)).toEqual([{ delivery }]);
    expect(machineGroups({ ...delivery, testExecutionKey: 'P-1' }, true)).toHaveLength(1);
  });
});
