/**
 * The mapping file (`--map map.csv`): most producers (Surefire, Gradle, jest-junit, Cypress, GoogleTest, pytest's
 * default) cannot write a per-test property, so a team lists its tests and their Testsigma case ids instead.
 * Two columns, comma-separated, quoted as RFC 4180 says when a name holds a comma or a quote:
 * the test name (or `classname.name`), then the case id. A first line that is a header, blank lines and lines
 * starting with `#` are skipped.
 */
import { CliError } from './errors';

/** Splits one CSV line (RFC 4180 quoting). */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      value += comma < 0 ? line.slice(i) : line.slice(i, comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      i = comma < 0 ? line.length + 1 : comma + 1;
    }
    out.push(value.trim());
    if (i > line.length) return out;
  }
}

/** Reads a mapping file into test name (or `classname.name`) to case id. Throws a {@link CliError} naming the line. */
export function parseMapFile(text: string, file: string): Map<string, string> {
  const map = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const f = fields(line);
    const where = `${file} line ${i + 1}`;
    if (f.length !== 2 || f[0] === '') {
      throw new CliError(`${where}: expected two columns, the test name (or classname.name) and the Testsigma case id, separated by a comma; got "${line.slice(0, 80)}". Nothing was sent.`);
    }
    const [name, id] = f as [string, string];
    if (!/^\d{1,19}$/.test(id)) {
      if (map.size === 0 && i === lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))) return; // a header
      throw new CliError(`${where}: "${id.slice(0, 40)}" is not a Testsigma case id (1 to 19 digits, as in the case's URL). Nothing was sent.`);
    }
    map.set(name, id);
  });
  if (map.size === 0) throw new CliError(`${file} maps no test to a Testsigma case id: write one "test name,case id" per line. Nothing was sent.`);
  return map;
}
