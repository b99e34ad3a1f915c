/**
 * What createDefect files (contract section 2): which last results count as failures, the defect's summary and its
 * Atlassian Document Format description.
 */
import { issueSummary } from './issue-summary';

/** Xray statuses that are no failure to file a defect for. */
const NOT_FAILED = ['PASSED', 'TODO', 'EXECUTING'];
/** Longest message quoted in a description; Jira's rich-text fields take 32,767 characters. */
export const MAX_MESSAGE = 30_000;

const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();

/** Whether a last result's Xray status is a failure to file (not PASSED, TODO or EXECUTING, in any case or spacing). */
export function isFailedStatus(status: string): boolean {
  return !NOT_FAILED.includes(norm(status));
}

/** What the defect describes. */
export interface DefectFacts {
  caseId: string;
  caseName?: string;
  runId: string;
  /** The run's summary (its Test Execution's summary). */
  runSummary?: string;
  status: string;
  message?: string;
  environments?: string[];
  attempts?: number;
  testKey: string;
  testExecutionKey: string;
  /** The run in Testsigma, when known. */
  testsigmaRunUrl?: string;
}

/** "<case name, else Testsigma test case <id>> failed in <run summary, else run <runId>>", on one line, cut to Jira's 255. */
export function defectSummary(f: DefectFacts): string {
  const what = f.caseName?.trim() || `Testsigma test case ${f.caseId}`;
  const where = f.runSummary?.trim() || `run ${f.runId}`;
  return issueSummary(`${what} failed in ${where}`, `Testsigma test case ${f.caseId} failed`);
}

type AdfNode = Record<string, unknown>;
const text = (t: string, marks?: AdfNode[]): AdfNode => ({ type: 'text', text: t, ...(marks ? { marks } : {}) });
const strong = (t: string) => text(t, [{ type: 'strong' }]);
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

/** The description: the result's message, then the run id, environments, attempts, the keys and the Testsigma link. */
export function defectDescription(f: DefectFacts): { type: 'doc'; version: 1; content: AdfNode[] } {
  const content: AdfNode[] = [];
  const message = f.message?.trim();
  content.push(
    message
      ? { type: 'codeBlock', content: [text(message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE)}…`)] }
      : paragraph(text(`The result was ${f.status}; the run gave no message.`)),
  );
  const facts: Array<[string, string]> = [
    ['Status', f.status],
    ['Run', f.runId],
    ['Test', f.testKey],
    ['Test Execution', f.testExecutionKey],
    ['Testsigma test case', f.caseId],
  ];
  if (f.environments && f.environments.length > 0) facts.push(['Environments', f.environments.join(', ')]);
  if (f.attempts && f.attempts > 1) facts.push(['Attempts', String(f.attempts)]);
  content.push({
    type: 'bulletList',
    content: facts.map(([k, v]) => ({ type: 'listItem', content: [paragraph(strong(`${k}: `), text(v))] })),
  });
  if (f.testsigmaRunUrl) {
    content.push(paragraph(text('Open the run in Testsigma', [{ type: 'link', attrs: { href: f.testsigmaRunUrl } }])));
  }
  return { type: 'doc', version: 1, content };
}
