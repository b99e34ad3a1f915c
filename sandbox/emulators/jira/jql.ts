/**
 * The JQL subset the emulators understand: `labels = "x"`, `labels in (...)`, `key = K`, `key in (...)`,
 * `id = N`, `id in (...)`, `project = X`, `project in (...)`, `issuetype = "Test Execution"`, `issuetype in (...)`,
 * `created >= "-15m"` (Jira's relative dates: m, h, d, w), joined by AND, optionally followed by `ORDER BY key|id|created [ASC|DESC]`. Anything else is refused with a
 * {@link JqlError} (Jira's error envelope) rather than guessed, so that a query the emulator cannot judge never
 * passes silently.
 */
import type { Issue, World } from '../world';

/** A JQL problem, answered by Jira as 400 `{ errorMessages: [message], errors: {} }`. */
export class JqlError extends Error {}

type Field = 'labels' | 'key' | 'id' | 'project' | 'issuetype' | 'created';
interface Clause {
  field: Field;
  values: string[];
}
interface Order {
  field: 'key' | 'id' | 'created';
  desc: boolean;
}

const FIELD_ALIASES: Record<string, Field> = {
  labels: 'labels',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  project: 'project',
  issuetype: 'issuetype',
  type: 'issuetype',
  created: 'created',
  createddate: 'created',
};

interface Token {
  kind: 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma';
  text: string;
  pos: number;
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const start = i;
      let text = '';
      i++;
      while (i < jql.length && jql.charAt(i) !== c) {
        if (jql.charAt(i) === '\\' && i + 1 < jql.length) i++;
        text += jql.charAt(i);
        i++;
      }
      if (i >= jql.length) throw new JqlError(`Error in the JQL Query: The quoted string '${text}' has not been completed. (line 1, character ${start + 1})`);
      i++;
      tokens.push({ kind: 'string', text, pos: start });
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', text: c, pos: i++ });
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', text: c, pos: i++ });
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c, pos: i++ });
    } else if (c === '=' || c === '!' || c === '~' || c === '<' || c === '>') {
      const start = i;
      let text = c;
      i++;
      if (jql.charAt(i) === '=' || jql.charAt(i) === '~') text += jql.charAt(i++);
      tokens.push({ kind: 'op', text, pos: start });
    } else {
      const start = i;
      let text = '';
      while (i < jql.length && /[^\s()=,!~<>"']/.test(jql.charAt(i))) text += jql.charAt(i++);
      tokens.push({ kind: 'word', text, pos: start });
    }
  }
  return tokens;
}

const RELATIVE = /^-(\d+)([mhdw])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A parsed query. */
export interface ParsedJql {
  clauses: Clause[];
  order: Order[];
}

/** Parses the supported subset, or throws {@link JqlError}. An empty query matches everything. */
export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  const clauses: Clause[] = [];
  const order: Order[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const unsupported = (t: Token): never => {
    throw new JqlError(
      `Error in the JQL Query: '${t.text}' is not supported by the emulator's JQL subset (line 1, character ${t.pos + 1}).`,
    );
  };
  const expectValue = (): string => {
    const t = tokens[i++];
    if (!t || (t.kind !== 'word' && t.kind !== 'string')) {
      throw new JqlError(`Error in the JQL Query: Expecting either a value, list or function but got '${t?.text ?? 'end of query'}'. You must surround '${t?.text ?? ''}' in quotation marks to use it as a value. (line 1, character ${(t?.pos ?? jql.length) + 1})`);
    }
    return t.text;
  };

  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.kind === 'word' && t.text.toLowerCase() === 'order') {
      i++;
      const by = tokens[i++];
      if (!by || by.text.toLowerCase() !== 'by') throw new JqlError(`Error in the JQL Query: Expecting 'by' but got '${by?.text ?? 'end of query'}'.`);
      for (;;) {
        const f = tokens[i++];
        if (!f || f.kind !== 'word') throw new JqlError('Error in the JQL Query: Expecting a field name after ORDER BY.');
        const name = f.text.toLowerCase();
        if (name !== 'key' && name !== 'id' && name !== 'created') unsupported(f);
        let desc = false;
        const dir = peek();
        if (dir && dir.kind === 'word' && /^(asc|desc)$/i.test(dir.text)) {
          desc = dir.text.toLowerCase() === 'desc';
          i++;
        }
        order.push({ field: name as Order['field'], desc });
        if (peek()?.kind === 'comma') {
          i++;
          continue;
        }
        break;
      }
      if (i < tokens.length) unsupported(tokens[i] as Token);
      break;
    }
    if (clauses.length > 0) {
      if (t.kind !== 'word' || t.text.toLowerCase() !== 'and') unsupported(t);
      i++;
    }
    const f = tokens[i++];
    if (!f || f.kind === 'lparen') unsupported(f ?? t);
    if ((f as Token).kind !== 'word' && (f as Token).kind !== 'string') unsupported(f as Token);
    const fieldToken = f as Token;
    const field = FIELD_ALIASES[fieldToken.text.toLowerCase()];
    if (!field) {
      if (/^(or|not)$/i.test(fieldToken.text)) unsupported(fieldToken);
      throw new JqlError(`Field '${fieldToken.text}' does not exist or you do not have permission to view it.`);
    }
    const op = tokens[i++];
    if (!op) throw new JqlError(`Error in the JQL Query: Expecting operator but got 'end of query'.`);
    if (field === 'created') {
      // Only the relative form, which does not depend on the searcher's time zone.
      if (op.kind !== 'op' || op.text !== '>=') unsupported(op);
      const v = expectValue();
      if (!RELATIVE.test(v)) throw new JqlError(`Date value '${v}' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`);
      clauses.push({ field, values: [v] });
      continue;
    }
    if (op.kind === 'op' && op.text === '=') {
      clauses.push({ field, values: [expectValue()] });
    } else if (op.kind === 'word' && op.text.toLowerCase() === 'in') {
      const open = tokens[i++];
      if (!open || open.kind !== 'lparen') throw new JqlError(`Error in the JQL Query: Expecting '(' after IN.`);
      const values: string[] = [];
      for (;;) {
        values.push(expectValue());
        const sep = tokens[i++];
        if (sep?.kind === 'comma') continue;
        if (sep?.kind === 'rparen') break;
        throw new JqlError(`Error in the JQL Query: Expecting ',' or ')' but got '${sep?.text ?? 'end of query'}'.`);
      }
      clauses.push({ field, values });
    } else {
      unsupported(op);
    }
  }
  return { clauses, order };
}

/**
 * Runs a query for a principal (an account id or `app`): only issues the principal can browse and that the
 * search index already holds (see {@link World.setSearchIndexLagMs}) are returned, sorted as asked (default:
 * newest first, as the captured search pages are).
 */
export function runJql(world: World, principal: string, jql: string): Issue[] {
  const { clauses, order } = parseJql(jql);
  // Jira validates keys, projects and types against what the caller may see, before searching.
  for (const c of clauses) {
    for (const v of c.values) {
      if (c.field === 'key') {
        const issue = world.findIssue(v);
        if (!issue || !world.canBrowse(principal, issue)) {
          throw new JqlError(`An issue with key '${v}' does not exist for field 'key'.`);
        }
      } else if (c.field === 'project') {
        const p = world.findProject(v) ?? world.listProjects().find((x) => x.key.toLowerCase() === v.toLowerCase() || x.name === v);
        if (!p || !world.hasPermission(principal, 'BROWSE_PROJECTS', p.id)) {
          throw new JqlError(`The value '${v}' does not exist for the field 'project'.`);
        }
      } else if (c.field === 'issuetype') {
        if (!world.findIssueType(v)) throw new JqlError(`The value '${v}' does not exist for the field 'issuetype'.`);
      } else if (c.field === 'id' && !/^\d+$/.test(v)) {
        throw new JqlError(`The value '${v}' is not a valid issue id for field 'id'.`);
      }
    }
  }
  const matches = world.listIssues().filter((issue) => {
    if (!world.canBrowse(principal, issue) || !world.isSearchable(issue)) return false;
    return clauses.every((c) => matchClause(world, issue, c));
  });
  const orders = order.length > 0 ? order : [{ field: 'created', desc: true } as Order];
  return matches.sort((a, b) => {
    for (const o of orders) {
      const d = compare(a, b, o.field);
      if (d !== 0) return o.desc ? -d : d;
    }
    return 0;
  });
}

function compare(a: Issue, b: Issue, field: Order['field']): number {
  if (field === 'created') return a.createdAt - b.createdAt || Number(a.id) - Number(b.id);
  if (field === 'id') return Number(a.id) - Number(b.id);
  const [pa, na] = splitKey(a.key);
  const [pb, nb] = splitKey(b.key);
  return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function splitKey(key: string): [string, number] {
  const dash = key.lastIndexOf('-');
  return [key.slice(0, dash), Number(key.slice(dash + 1))];
}

function matchClause(world: World, issue: Issue, c: Clause): boolean {
  switch (c.field) {
    case 'labels':
      // Matched exactly: the strictest reading, so a label the app spelled differently is never found by luck.
      return c.values.some((v) => issue.labels.includes(v));
    case 'key':
      return c.values.some((v) => world.findIssue(v)?.id === issue.id);
    case 'id':
      return c.values.includes(issue.id);
    case 'project': {
      const p = world.projectOf(issue);
      return c.values.some((v) => v === p.id || v.toLowerCase() === p.key.toLowerCase() || v === p.name);
    }
    case 'issuetype':
      return c.values.some((v) => world.findIssueType(v)?.id === issue.typeId);
    case 'created': {
      const m = RELATIVE.exec(c.values[0]!)!;
      return issue.createdAt >= world.now() - Number(m[1]) * UNIT_MS[m[2]!]!;
    }
  }
}
