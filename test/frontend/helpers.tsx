/** Test helpers for rendering UI Kit trees with react-test-renderer. */
import { Button, LoadingButton } from '@forge/react';
import { Localised } from '../../src/frontend/common/i18n';
import { act, create, type ReactTestInstance, type ReactTestRenderer } from 'react-test-renderer';
import type { ReactElement } from 'react';
import type { Envelope } from '../../src/shared/types';
import type { PanelCaller } from '../../src/frontend/invoke';
import { PanelApp } from '../../src/frontend/panel/PanelApp';

export * from './fixtures';

// React 18 only runs act() without warnings when told it is in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A whole rendered tree, or a part of it (such as one tab panel). */
export type Scope = ReactTestRenderer | ReactTestInstance;
const rootOf = (scope: Scope): ReactTestInstance => ('toJSON' in scope ? scope.root : scope);

/** A promise with its resolve exposed, to hold a fake resolver call open. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Renders inside the app's `I18nProvider` (in `locale`, English by default: the resources come through the test
 * bridge of `forge-bridge.ts`) and lets pending effects and microtasks settle.
 */
export async function render(element: ReactElement, locale: 'en-US' | 'de-DE' = 'en-US'): Promise<ReactTestRenderer> {
  let renderer!: ReactTestRenderer;
  await act(async () => {
    renderer = create(<Localised locale={locale}>{element}</Localised>);
  });
  await flush();
  return renderer;
}

/** Lets pending promises (fake resolver answers) land. */
export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setImmediate(r));
  });
}

/** All text under a node, joined with spaces. */
export function textOf(node: Scope): string {
  const parts: string[] = [];
  const walk = (n: ReactTestInstance | string): void => {
    if (typeof n === 'string') parts.push(n);
    else n.children.forEach(walk);
  };
  walk(rootOf(node));
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Every host element of a UI Kit type (components are plain strings at runtime). */
export function allOf(scope: Scope, type: unknown): ReactTestInstance[] {
  return rootOf(scope).findAll((n) => n.type === type);
}

/** The buttons (plain or loading) whose text is exactly `label`. */
export function buttons(scope: Scope, label: string): ReactTestInstance[] {
  return rootOf(scope)
    .findAll((n) => n.type === Button || n.type === LoadingButton)
    .filter((b) => textOf(b) === label);
}

/** The one button labelled `label`; fails the test when there is none or more than one. */
export function button(scope: Scope, label: string): ReactTestInstance {
  const found = buttons(scope, label);
  if (found.length !== 1) throw new Error(`expected one "${label}" button, found ${found.length}: ${textOf(scope)}`);
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

/**
 * The Textfield whose id is `id`, or the Select whose `inputId` is (a Label's labelFor names a Select's input).
 * UI Kit prefixes ids only in the reconciler, not here.
 */
export function byId(scope: Scope, id: string): ReactTestInstance {
  return rootOf(scope).find((n) => typeof n.type === 'string' && (n.props.id === id || n.props.inputId === id));
}

/** Renders the panel over a fake caller with these answers; answers the renderer, the flags shown and the fake. */
export async function openPanel(answers: Parameters<typeof fakeCaller>[0], locale: 'en-US' | 'de-DE' = 'en-US') {
  const fake = fakeCaller(answers);
  const flags: string[] = [];
  const renderer = await render(<PanelApp call={fake.call as unknown as PanelCaller} notify={(title) => flags.push(title)} />, locale);
  await flush();
  return { renderer, flags, ...fake };
}
