/**
 * The lighter view that the issue's summary (`jira:issueContext`, contract section 8) reads with `getPanel`
 * `{ summary: true }`: the links with their last results and flaky marks, and the newest run only.
 */
import type { PanelView } from '../shared/types';

/**
 * Cuts a panel view down to the summary: no coverage, no flaky list, no per-case history, and of the recent runs
 * only the deliveries of the newest one. A thin mapping for now: the resolver reads the panel's view without coverage
 * and the flaky list, then trims it here; a lighter storage read can take its place behind the same answer.
 */
export function toSummaryView(view: PanelView): PanelView {
  const newest = view.recentRuns?.[0]?.runId;
  return {
    issue: view.issue,
    canEdit: view.canEdit,
    links: view.links.map(({ history: _history, ...link }) => link),
    ...(view.notices ? { notices: view.notices } : {}),
    ...(view.recentRuns ? { recentRuns: view.recentRuns.filter((r) => r.runId === newest) } : {}),
  };
}
