import type { Logger } from '../../src/ports';

/**
 * A logger that keeps each line in memory as the JSON Forge's console would print: the sandbox's default (quiet output
 * for the demo and tests), and what tests read to check what was, and was not, logged.
 */
export function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...data }));
  };
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}
