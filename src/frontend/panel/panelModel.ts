/** Pure view-model logic of the issue panel: wording per kind of issue and what the add form may do. */
import type { Coverage, IssueKind, PanelView } from '../../shared/types';
import { plural } from '../common/format';

/** Wording and rules that differ between a Test, a Test Set and a Test Plan. */
export interface KindCopy {
  /** What the issue links to, in words: "test case". */
  entity: string;
  /** The issue type, as Xray names it: "Test Set". */
  issueType: string;
  /** Said when nothing is linked yet. */
  empty: string;
  /** Added to `empty` for a user who may edit. */
  emptyHint: string;
  /** The add form's field label. */
  fieldLabel: string;
  /** At most one link (Test Set, Test Plan). */
  single: boolean;
}

const COPY: Record<IssueKind, KindCopy> = {
  test: {
    entity: 'test case',
    issueType: 'Test',
    empty: 'No Testsigma test cases linked yet.',
    emptyHint: 'Paste a test case id or URL to link one.',
    fieldLabel: 'Testsigma test case id or URL',
    single: false,
  },
  testSet: {
    entity: 'test suite',
    issueType: 'Test Set',
    empty: 'No Testsigma test suite linked yet.',
    emptyHint: 'Paste a test suite id or URL to link it. A Test Set links to one suite.',
    fieldLabel: 'Testsigma test suite id or URL',
    single: true,
  },
  testPlan: {
    entity: 'test plan',
    issueType: 'Test Plan',
    empty: 'No Testsigma test plan linked yet.',
    emptyHint: 'Paste a test plan id or URL to link it. A Test Plan links to one plan.',
    fieldLabel: 'Testsigma test plan id or URL',
    single: true,
  },
};

/** The wording for an issue kind. */
export function kindCopy(kind: IssueKind): KindCopy {
  return COPY[kind];
}

/** Whether the add form shows, and if not, why. */
export type AddFormMode = 'open' | 'readOnly' | 'full';

/** Decides the add form: hidden for users who cannot edit, and for a Test Set or Test Plan that has its one link. */
export function addFormMode(view: PanelView): AddFormMode {
  if (!view.canEdit) return 'readOnly';
  if (kindCopy(view.issue.kind).single && view.links.length > 0) return 'full';
  return 'open';
}

/** The hint shown instead of the add form when a Test Set or Test Plan already has its link. */
export function singleLinkHint(view: PanelView): string {
  const copy = kindCopy(view.issue.kind);
  const current = view.links[0];
  const which = current ? ` (${displayId(current.testsigmaId)})` : '';
  return `A ${copy.issueType} links to one Testsigma ${copy.entity}. Unlink the current one${which} first to link another.`;
}

/** How a Testsigma id is shown: "TS-609", as the resolver's messages name it. */
export function displayId(testsigmaId: string): string {
  return `TS-${testsigmaId}`;
}

/** "3 of 250 Tests linked". */
export function coverageSentence(coverage: Coverage): string {
  return `${coverage.linked} of ${plural(coverage.total, 'Test')} linked`;
}

/**
 * Introduces the list of unlinked Tests, saying when it is only the first part of them (the resolver sends at most
 * 50), so that nobody mistakes it for all of them.
 */
export function unlinkedIntro(coverage: Coverage): string {
  const missing = Math.max(coverage.total - coverage.linked, coverage.unlinked.length);
  return coverage.unlinked.length < missing
    ? `Not linked yet (the first ${coverage.unlinked.length} of ${missing}):`
    : 'Not linked yet:';
}

/** The text a user typed, as the resolver should get it: the resolver parses ids and URLs itself. */
export function normaliseInput(text: string): string {
  return text.trim();
}
