/**
 * A structural check of Atlassian Document Format, as Jira's v3 API applies it to rich-text fields: a `doc` node of
 * version 1 whose `content` is an array of nodes, each with a string `type`, text nodes with string `text`, and
 * `content`/`marks` arrays where present. Jira refuses anything else with "Operation value must be an Atlassian
 * Document" (fixtures/jira/issue.create.error.400.description-not-adf.json). Node types are not checked one by one.
 */

/** Why a value is not an ADF document, or undefined when it is one. */
export function adfProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const doc = value as { type?: unknown; version?: unknown; content?: unknown };
  if (doc.type !== 'doc') return 'the top node is not of type doc';
  if (doc.version !== 1) return 'version is not 1';
  if (!Array.isArray(doc.content)) return 'content is not an array';
  return nodesProblem(doc.content, 1);
}

function nodesProblem(nodes: unknown[], depth: number): string | undefined {
  if (depth > 32) return 'nested too deeply';
  for (const n of nodes) {
    if (typeof n !== 'object' || n === null || Array.isArray(n)) return 'a node is not an object';
    const node = n as { type?: unknown; text?: unknown; content?: unknown; marks?: unknown };
    if (typeof node.type !== 'string' || node.type === '' || node.type === 'doc') return 'a node has no valid type';
    if (node.type === 'text' && (typeof node.text !== 'string' || node.text === '')) return 'a text node has no text';
    if (node.marks !== undefined && !Array.isArray(node.marks)) return 'marks is not an array';
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) return 'content is not an array';
      const inner = nodesProblem(node.content, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}
