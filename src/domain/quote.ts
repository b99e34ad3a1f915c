/** How a message quotes a value someone sent: never more than 100 characters of it (contract section 3). */

/** The most characters of a sent value that any message repeats. */
export const MAX_QUOTED_CHARS = 100;

/**
 * A sent value in double quotes, cut to 100 characters with "..." when longer, so a 4 MB bad value never makes an
 * answer of its size (or twice it, when the top-level message repeats the first problem).
 */
export function quoteValue(value: unknown, max = MAX_QUOTED_CHARS): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= max) return `"${text}"`;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return `"${text.slice(0, end)}..." (${text.length.toLocaleString('en-US')} characters)`;
}
