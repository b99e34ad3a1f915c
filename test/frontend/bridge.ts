/**
 * A fake Forge bridge for the entry files: `@forge/bridge` sends `invoke` through `globalThis.__bridge.callBridge`,
 * and `@forge/react`'s reconciler sends each rendered tree there as `reconcile` (through `self.__bridge`).
 */

import { manifestTranslations, resource } from './forge-bridge';

/** A node of the tree the reconciler sends over the bridge. */
export interface ForgeDocNode {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDocNode[];
}

/** What the fake bridge saw. */
export interface FakeBridge {
  invokes: Array<{ functionKey: string; payload: unknown }>;
  /** The latest tree, as the host would have received it. */
  latest(): ForgeDocNode | undefined;
  /**
   * Resolves with the first tree (the latest, or one the reconciler sends later) that satisfies `predicate`. It
   * waits for the reconciler, not for a clock; `failAfterMs` only bounds a test that would otherwise hang, so that
   * it fails with the last tree's text (well inside jest's own timeout).
   */
  waitFor(predicate: (doc: ForgeDocNode) => boolean, failAfterMs?: number): Promise<ForgeDocNode>;
  uninstall(): void;
}

/** What the host fails to serve: files of `./__LOCALES__/` (`de-DE.json`, `i18n-info.json`) that answer 503. */
export interface BridgeFaults {
  unavailable?: string[];
}

/**
 * Installs the fake bridge; `answer` plays the resolver, `locale` is the viewer's (the view context's). The host
 * serves the translations Forge bundled from the manifest at `./__LOCALES__/`: a fetch stub serves them the same way.
 */
export function installBridge(answer: (functionKey: string, payload: unknown) => unknown, locale = 'en-US', faults: BridgeFaults = {}): FakeBridge {
  const g = globalThis as Record<string, unknown>;
  const realFetch = g.fetch;
  g.fetch = async (url: string) => {
    const { locales, defaultLocale } = manifestTranslations();
    const file = /^\.\/__LOCALES__\/(.+)$/.exec(String(url))?.[1];
    if (file && faults.unavailable?.includes(file)) return { ok: false, status: 503, statusText: 'Service Unavailable', json: async () => ({}) };
    const body =
      file === 'i18n-info.json'
        ? { translations: {}, config: { locales, fallback: { default: defaultLocale } } }
        : file && locales.includes(file.replace(/\.json$/, ''))
          ? resource(file.replace(/\.json$/, ''))
          : undefined;
    return { ok: body !== undefined, statusText: body ? 'OK' : 'Not Found', json: async () => body };
  };
  const invokes: FakeBridge['invokes'] = [];
  let latest: ForgeDocNode | undefined;
  const waiters = new Set<(doc: ForgeDocNode) => void>();
  g.self = globalThis;
  g.__bridge = {
    callBridge: async (cmd: string, data: { functionKey?: string; payload?: unknown; forgeDoc?: ForgeDocNode }) => {
      if (cmd === 'getContext') return { locale, extension: {} };
      if (cmd === 'invoke') {
        invokes.push({ functionKey: data.functionKey ?? '', payload: data.payload });
        return answer(data.functionKey ?? '', data.payload);
      }
      // The reconciler mutates one container in place: keep a copy, as serialising over the real bridge would.
      if (cmd === 'reconcile' && data.forgeDoc) {
        const doc = JSON.parse(JSON.stringify(data.forgeDoc)) as ForgeDocNode;
        latest = doc;
        for (const waiter of [...waiters]) waiter(doc);
      }
      return undefined;
    },
  };
  return {
    invokes,
    latest: () => latest,
    waitFor(predicate, failAfterMs = 15_000) {
      if (latest && predicate(latest)) return Promise.resolve(latest);
      return new Promise((resolve, reject) => {
        const waiter = (doc: ForgeDocNode) => {
          if (!predicate(doc)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve(doc);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no tree matched; last tree text: ${latest ? docText(latest) : '(none)'}`));
        }, failAfterMs);
        waiters.add(waiter);
      });
    },
    uninstall() {
      waiters.clear();
      g.fetch = realFetch;
      delete g.__bridge;
      delete g.self;
    },
  };
}

/** The text of a reconciled tree (text nodes are `String` elements with a `text` prop). */
export function docText(doc: ForgeDocNode): string {
  const parts: string[] = [];
  const walk = (n: ForgeDocNode): void => {
    if (n.type === 'String' && typeof n.props.text === 'string') parts.push(n.props.text);
    n.children.forEach(walk);
  };
  walk(doc);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Every node of a type. */
export function docFind(doc: ForgeDocNode, type: string): ForgeDocNode[] {
  const found: ForgeDocNode[] = [];
  const walk = (n: ForgeDocNode): void => {
    if (n.type === type) found.push(n);
    n.children.forEach(walk);
  };
  walk(doc);
  return found;
}
