/**
 * Text from servers and reports, made safe to print in a CI log: no escape sequences (which can rewrite the
 * terminal) and no line breaks (after which `::set-output ...` or `##vso[...]` would be read by the CI runner as a
 * workflow command).
 */

// ANSI/VT escape sequences (CSI, OSC, and two-character escapes), then any other C0 or C1 control character.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g;

/** One line of text: escape sequences removed, other control characters (line breaks too) made a space. */
export function printable(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS, ' ');
}

/** Several lines of our own, each made printable, for a sink that is a CI log. */
export function printableLines(text: string): string {
  return text
    .split('\n')
    .map((l) => printable(l))
    .join('\n');
}
