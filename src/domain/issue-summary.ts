/**
 * The summary of an issue the app writes to Jira (a Test Execution through Xray, a defect through Jira). Jira
 * refuses a summary with a line break ("The summary is invalid because it contains newline characters.") and one
 * longer than 255 characters, so every summary the app writes goes through {@link issueSummary}.
 */

/** Jira's summary limit, in characters. */
export const MAX_SUMMARY = 255;

/** Every run of whitespace (line breaks, tabs, Unicode spaces) folded into one space, trimmed. */
export function foldWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** `text` on one line and at most 255 characters (cut with "…"); `fallback` when `text` is blank. */
export function issueSummary(text: string | undefined, fallback: string): string {
  const s = foldWhitespace(text ?? '') || foldWhitespace(fallback);
  return s.length <= MAX_SUMMARY ? s : `${s.slice(0, MAX_SUMMARY - 1)}…`;
}
