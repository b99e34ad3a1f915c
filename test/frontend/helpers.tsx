/** Test helpers for rendering UI Kit trees with react-test-renderer. */
import { Button } from '@forge/react';
import { act, create, type ReactTestInstance, type ReactTestRenderer } from 'react-test-renderer';
import type { ReactElement } from 'react';
import type { Envelope, LinkView, PanelView } from '../../src/shared/types';

// React 18 only runs act() without warnings when told it is in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A promise with its resolve exposed, to hold a fake resolver call open. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Renders and lets pending effects and microtasks settle. */
export async function render(element: ReactElement): Promise<ReactTestRenderer> {
  let renderer!: ReactTestRenderer;
  await act(async () => {
    renderer = create(element);
  });
  return renderer;
}

/** Lets pending promises (fake resolver answers) land. */
export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setImmediate(r));
  });
}

/** All text under a node, joined with spaces. */
export function textOf(node: ReactTestInstance | ReactTestRenderer): string {
  const parts: string[] = [];
  const walk = (n: ReactTestInstance | string): void => {
    if (typeof n === 'string') parts.push(n);
    else n.children.forEach(walk);
  };
  walk('toJSON' in node ? node.root : node);
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Every host element of a UI Kit type (components are plain strings at runtime). */
export function allOf(renderer: ReactTestRenderer, type: unknown): ReactTestInstance[] {
  return renderer.root.findAll((n) => n.type === type);
}

/** The buttons whose text is exactly `label`. */
export function buttons(renderer: ReactTestRenderer, label: string): ReactTestInstance[] {
  return allOf(renderer, Button).filter((b) => textOf(b) === label);
}

/** The one button labelled `label`; fails the test when there is none or more than one. */
export function button(renderer: ReactTestRenderer, label: string): ReactTestInstance {
  const found = buttons(renderer, label);
  if (found.length !== 1) throw new Error(`expected one "${label}" button, found ${found.length}: ${textOf(renderer)}`);
  return found[0]!;
}

/** Clicks a button and lets what it started settle. */
export async function click(node: ReactTestInstance): Promise<void> {
  await act(async () => {
    (node.props as { onClick: () => void }).onClick();
  });
  await flush();
}

/** Types into a Textfield as UI Kit's serialised onChange event would. */
export async function type(node: ReactTestInstance, value: string): Promise<void> {
  await act(async () => {
    (node.props as { onChange: (e: unknown) => void }).onChange({ target: { value } });
  });
}

/** A success envelope. */
export const ok = <T,>(data: T): Envelope<T> => ({ ok: true, data });
/** A failure envelope. */
export const fail = (code: string, message: string): Envelope<never> => ({ ok: false, error: { code, message } });

/** A link as the resolver sends it. */
export function link(overrides: Partial<LinkView> = {}): LinkView {
  return {
    testsigmaKind: 'testCase',
    testsigmaId: '609',
    linkedBy: 'acc-1',
    linkedAt: '2026-11-25T10:00:00Z',
    ...overrides,
  };
}

/** A panel view of a Test that the user may edit, with no links. */
export function panelView(overrides: Partial<PanelView> = {}): PanelView {
  return {
    issue: { id: '10001', key: 'PROJ-12', kind: 'test' },
    canEdit: true,
    links: [],
    ...overrides,
  };
}

/** A fake resolver transport: answers from a queue per key and records every call. */
export function fakeCaller(answers: Record<string, Array<Envelope<unknown> | Promise<Envelope<unknown>>>>) {
  const calls: Array<{ key: string; payload: unknown }> = [];
  const call = jest.fn(async (key: string, payload: unknown) => {
    calls.push({ key, payload });
    const queue = answers[key];
    const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!next) throw new Error(`no fake answer for ${key}`);
    return next;
  });
  return { call, calls };
}
