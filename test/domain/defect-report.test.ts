import { adfProblem } from '../../sandbox/emulators/jira/adf';
import { defectDescription, defectSummary, isFailedStatus, DefectFacts } from '../../src/domain/defect-report';

const facts: DefectFacts = { caseId: '609', runId: '337', status: 'FAILED', testKey: 'DEMO-1', testExecutionKey: 'DEMO-9' };

describe('what createDefect files', () => {
  it('counts every status but PASSED, TODO and EXECUTING as a failure, whatever the case and spacing', () => {
    for (const s of ['PASSED', 'passed', 'TODO', 'To Do', 'TO DO', 'EXECUTING', ' executing ']) expect(isFailedStatus(s)).toBe(false);
    for (const s of ['FAILED', 'ABORTED', 'BROKEN', 'Failed']) expect(isFailedStatus(s)).toBe(true);
  });

  it('names the case and the run, else their ids', () => {
    expect(defectSummary(facts)).toBe('Testsigma test case 609 failed in run 337');
    expect(defectSummary({ ...facts, caseName: 'Login with SSO', runSummary: 'Nightly 1.4' })).toBe('Login with SSO failed in Nightly 1.4');
  });

  it('cuts a summary to Jira\'s 255 characters', () => {
    const s = defectSummary({ ...facts, caseName: 'x'.repeat(400) });
    expect(s).toHaveLength(255);
    expect(s.endsWith('…')).toBe(true);
  });

  it('describes the result in a valid ADF document: message, run, environments, attempts, keys', () => {
    const doc = defectDescription({ ...facts, message: 'AssertionError: expected 200', environments: ['chrome', 'staging'], attempts: 3, testsigmaRunUrl: 'https://app.testsigma.com/ui/td/runs/337' });
    expect(adfProblem(doc)).toBeUndefined();
    const text = JSON.stringify(doc);
    for (const part of ['AssertionError: expected 200', '337', 'chrome, staging', 'Attempts: ', '"3"', 'DEMO-1', 'DEMO-9', 'https://app.testsigma.com/ui/td/runs/337']) expect(text).toContain(part);
    const bare = defectDescription(facts);
    expect(adfProblem(bare)).toBeUndefined();
    expect(JSON.stringify(bare)).toContain('gave no message');
  });
});
