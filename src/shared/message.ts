/**
 * A sentence for a user, kept as a translation key and its parameters rather than as text, so that the edge that
 * answers (a resolver, the sync log, the web trigger) writes it in its reader's language from locales/*.json.
 * `src/domain` and the sync return these; only `src/i18n/translate.ts` turns them into words.
 */
import type enUS from '../../locales/en-US.json';

/** The top-level sections of the resources that hold the backend's sentences. */
export type BackendSection = 'apiErrors' | 'connection' | 'settingsErrors' | 'jobErrors' | 'notices';

/** Dotted paths to the sentences of a resource (a plural object counts as one sentence). */
type SentenceKeys<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${P}${K}`
    : T[K] extends { other: string }
      ? `${P}${K}`
      : SentenceKeys<T[K], `${P}${K}.`>;
}[keyof T & string];

/**
 * Every backend sentence key, read from the English resource at compile time: a key that en-US.json lacks is a
 * type error (the locale test checks that every other locale has it too, with the same placeholders).
 */
export type MessageKey = SentenceKeys<Pick<typeof enUS, BackendSection>>;

/** A parameter: a value written as is (ids, keys, vendors' own words), a number (Intl-formatted), or a sentence. */
export type MessageParam = string | number | Message;

/** A sentence by key, with the values of its `{name}` placeholders. */
export interface Message {
  key: MessageKey;
  params?: Record<string, MessageParam>;
}

/** Builds a message: `msg('apiErrors.panel.notLinked', { entity: msg('apiErrors.entity.testCase'), id: '609', issue: 'PROJ-1' })`. */
export function msg(key: MessageKey, params?: Record<string, MessageParam>): Message {
  return params ? { key, params } : { key };
}

/** Whether a stored value is a message (job records of the first versions hold plain English strings instead). */
export function isMessage(value: unknown): value is Message {
  return !!value && typeof value === 'object' && typeof (value as { key?: unknown }).key === 'string';
}
