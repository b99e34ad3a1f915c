/**
 * The preview adapter covers what the app uses and what UI Kit offers. Nothing here is a hand-kept list of the app's
 * components: they are collected from src/frontend's own imports of @forge/react and @forge/bridge, and from the trees
 * the real @forge/react reconciler sends over a bridge while the entries render against the real resolvers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { BRIDGE_API, HANDLED_COMMANDS } from '../../sandbox/preview/page/bridge-api';
import { propSchema } from '../../sandbox/preview/build';
import { DEMO_ISSUES, startPreviewSite, VIEWERS, type PreviewSite } from '../../sandbox/preview/sites';
import { invokeResolver } from '../../sandbox/host';
import { localeAnswer } from '../../sandbox/preview/server';

jest.setTimeout(90_000);

const ROOT = path.join(__dirname, '..', '..');
const FRONTEND = path.join(ROOT, 'src', 'frontend');
const ADAPTER = path.join(ROOT, 'sandbox', 'preview', 'adapter', 'forge-react.tsx');
// Node types the reconciler makes itself (text, the root, DynamicTable's internal head/row/cell wrappers).
const RECONCILER_NODES = new Set(['Root', 'String', 'ContentWrapper', 'Cell', 'Row']);
// Commands only the reconciler sends: in the page the adapter renders the tree itself.
const RECONCILER_COMMANDS = new Set(['reconcile', 'onError']);

/** What the adapter module exports, as esbuild reads it. */
async function adapterExports(): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [ADAPTER],
    bundle: true,
    write: false,
    format: 'esm',
    metafile: true,
    packages: 'external',
    external: ['preview:*'],
    outdir: path.join(ROOT, 'sandbox', 'preview', '.cache', 'coverage'),
    logLevel: 'silent',
  });
  const out = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return out?.exports ?? [];
}

/** Every file of src/frontend. */
function frontendFiles(dir = FRONTEND): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? frontendFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** Names src/frontend imports from a module; for a bridge namespace object (view, router, i18n), the members it uses. */
function importsOf(moduleName: string): Set<string> {
  const names = new Set<string>();
  for (const file of frontendFiles()) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const locals = new Map<string, string>();
    for (const st of source.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== moduleName) continue;
      const clause = st.importClause;
      if (!clause || clause.isTypeOnly) continue;
      if (clause.name) locals.set(clause.name.text, 'default');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) if (!el.isTypeOnly) locals.set(el.name.text, (el.propertyName ?? el.name).text);
      }
    }
    const walk = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && locals.has(node.expression.text)) {
        names.add(`${locals.get(node.expression.text)}.${node.name.text}`);
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
    for (const imported of locals.values()) names.add(imported);
  }
  return names;
}

interface DocNode {
  type: string;
  children: DocNode[];
}

/** Renders an entry with the real @forge/react over a bridge that answers from a real site's resolvers. */
async function renderedTree(site: PreviewSite, entry: 'panel' | 'admin' | 'summary', issue?: { id: string; key: string }) {
  const g = globalThis as Record<string, unknown>;
  const commands = new Set<string>();
  const types = new Set<string>();
  let docs = 0;
  let docsAtLastAnswer = -1;
  const pending: Promise<unknown>[] = [];
  g.self = globalThis;
  // @forge/bridge's i18n fetches ./__LOCALES__/ beside the frame: answer as the preview (and Forge) serve it.
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const m = /__LOCALES__\/(.+)\.json$/.exec(url);
    if (!m) return realFetch(input, init);
    const answer = localeAnswer(m[1]!);
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  g.__bridge = {
    callBridge: async (cmd: string, data: { functionKey?: string; payload?: unknown; forgeDoc?: DocNode }) => {
      commands.add(cmd);
      if (cmd === 'reconcile' && data.forgeDoc) {
        docs += 1;
        const walk = (n: DocNode): void => {
          types.add(n.type);
          n.children.forEach(walk);
        };
        walk(data.forgeDoc);
      }
      if (cmd === 'invoke') {
        const answer = invokeResolver(site.sb, entry === 'admin' ? 'admin' : 'panel', { key: data.functionKey ?? '', payload: data.payload ?? {}, accountId: VIEWERS.admin.accountId, ...(issue ? { issue } : {}) });
        pending.push(answer.finally(() => (docsAtLastAnswer = docs)));
        return answer;
      }
      if (cmd === 'getContext') return { accountId: VIEWERS.admin.accountId, locale: 'en-US', extension: issue ? { issue } : {} };
      return undefined;
    },
  };
  try {
    jest.isolateModules(() => {
      require(path.join(FRONTEND, entry, 'index'));
    });
    // Wait on events, not time: every invoke answered, a tree sent after the last answer, and then nothing new (no
    // invoke, no tree) for 50 turns of the event loop, so effects and the translations' load have run. The deadline
    // only bounds a hang.
    const turn = () => new Promise((r) => setTimeout(r, 0));
    const deadline = Date.now() + 60_000;
    for (let quiet = 0, seen = ''; quiet < 50; ) {
      if (Date.now() > deadline) throw new Error(`the ${entry} entry never settled: ${pending.length} invokes, ${docs} trees`);
      await Promise.allSettled(pending);
      await turn();
      const now = `${pending.length}/${docs}`;
      const settled = pending.length > 0 && docs > docsAtLastAnswer;
      quiet = settled && now === seen ? quiet + 1 : 0;
      seen = now;
    }
  } finally {
    globalThis.fetch = realFetch;
    delete g.__bridge;
    delete g.self;
  }
  return { commands, types };
}

/** @forge/react's runtime exports (loading it needs a bridge: @forge/bridge looks one up when it loads). */
function forgeReactExports(): string[] {
  const g = globalThis as Record<string, unknown>;
  g.__bridge = { callBridge: async () => undefined };
  let names: string[] = [];
  try {
    jest.isolateModules(() => {
      names = Object.keys(require('@forge/react') as object).filter((k) => k !== '__esModule');
    });
  } finally {
    delete g.__bridge;
  }
  return names;
}

let site: PreviewSite;
beforeAll(async () => {
  site = await startPreviewSite('ready');
});
afterAll(async () => {
  await site?.sb.close();
});

describe('preview adapter coverage', () => {
  it('exports every component, hook and helper @forge/react exports, and nothing it does not', async () => {
    const forgeReact = forgeReactExports();
    const adapter = await adapterExports();
    // UIKitPropError is the adapter's own error class, for callers that want to tell a refusal.
    expect(forgeReact.filter((name) => !adapter.includes(name))).toEqual([]);
    expect(adapter.filter((name) => !forgeReact.includes(name) && name !== 'UIKitPropError')).toEqual([]);
  });

  it('knows the prop types of every component it draws', async () => {
    const schema = propSchema();
    const components = (await adapterExports()).filter((n) => /^[A-Z]/.test(n) && n !== 'UIKitPropError' && n !== 'I18nProvider');
    expect(components.filter((c) => !schema[c])).toEqual([]);
    // The schema is read from the types, not empty: a Label needs labelFor, a Button's appearance is a closed set.
    expect(schema.Label?.labelFor?.required).toBe(true);
    expect(schema.Button?.appearance?.literals).toContain('primary');
  });

  it("covers every @forge/react name src/frontend imports and every @forge/bridge call it makes", async () => {
    const adapter = await adapterExports();
    const fromReact = [...importsOf('@forge/react')].filter((n) => !n.includes('.'));
    expect(fromReact.length).toBeGreaterThan(5);
    expect(fromReact.filter((n) => !adapter.includes(n))).toEqual([]);

    const fromBridge = [...importsOf('@forge/bridge')];
    expect(fromBridge).toContain('invoke');
    // A namespace import (view, router, i18n) counts by the members used; the bare name alone says nothing.
    const calls = fromBridge.filter((n) => n.includes('.') || !fromBridge.some((m) => m.startsWith(`${n}.`)));
    const unknown = calls.filter((n) => !BRIDGE_API[n]);
    expect(unknown).toEqual([]);
    const commands = calls.flatMap((n) => BRIDGE_API[n] ?? []);
    expect(commands.filter((c) => !(HANDLED_COMMANDS as readonly string[]).includes(c))).toEqual([]);
  });

  async function expectCovered(entry: 'panel' | 'admin' | 'summary', issue?: { id: string; key: string }) {
    const { commands, types } = await renderedTree(site, entry, issue && { id: issue.id, key: issue.key });
    const adapter = await adapterExports();
    const drawn = [...types].filter((t) => !RECONCILER_NODES.has(t));
    expect(drawn.length).toBeGreaterThan(3);
    expect(drawn.filter((t) => !adapter.includes(t))).toEqual([]);
    expect(commands.has('invoke')).toBe(true);
    expect([...commands].filter((c) => !RECONCILER_COMMANDS.has(c) && !(HANDLED_COMMANDS as readonly string[]).includes(c))).toEqual([]);
  }

  it.each([...DEMO_ISSUES, 'admin'] as const)('covers every node of the tree the real reconciler sends for %s', async (page) => {
    await expectCovered(page === 'admin' ? 'admin' : 'panel', page === 'admin' ? undefined : site.issues[page]);
  });

  it.each(['test-named', 'test-plan'] as const)('covers every node of the tree the real reconciler sends for the summary of %s', async (page) => {
    await expectCovered('summary', site.issues[page]);
  });
});
