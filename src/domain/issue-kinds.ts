import type { IssueKind, IssueTypeNames, TestsigmaKind } from '../shared/types';

/** Xray's own issue type names, used until an admin saves others. */
export const DEFAULT_ISSUE_TYPES: Required<IssueTypeNames> = {
  test: ['Test'],
  testSet: ['Test Set'],
  testPlan: ['Test Plan'],
  testExecution: ['Test Execution'],
};

/** Which Testsigma entity links to which kind of Xray issue. */
export const TESTSIGMA_KIND_OF: Record<IssueKind, TestsigmaKind> = {
  test: 'testCase',
  testSet: 'testSuite',
  testPlan: 'testPlan',
};

/** Whether an issue of this kind holds many links (a Test: many cases) or at most one (a set's suite, a plan's plan). */
export function takesManyLinks(kind: IssueKind): boolean {
  return kind === 'test';
}

/** Words for messages, per Testsigma kind. */
export const TESTSIGMA_NOUN: Record<TestsigmaKind, string> = {
  testCase: 'test case',
  testSuite: 'test suite',
  testPlan: 'test plan',
};

/** Words for messages, per Xray kind. */
export const XRAY_NOUN: Record<IssueKind, string> = {
  test: 'Test',
  testSet: 'Test Set',
  testPlan: 'Test Plan',
};

/** Finds the kind of an issue from its type name, case-insensitively, using the configured names. */
export function kindOfIssueType(typeName: string, names: IssueTypeNames): IssueKind | undefined {
  const wanted = typeName.trim().toLowerCase();
  for (const kind of ['test', 'testSet', 'testPlan'] as const) {
    if (names[kind].some((n) => n.trim().toLowerCase() === wanted)) return kind;
  }
  return undefined;
}
