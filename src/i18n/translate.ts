/**
 * The backend's translator over the same resources the UI Kit frontend reads (locales/*.json, declared under
 * `translations` in manifest.yml), so a resolver can write its `message` in the caller's language (contract
 * section 2): `translate(req.context.locale, 'notices.xray_not_configured')`. A locale the app lacks, or a key a
 * locale lacks, falls back to English (`en-US`, the manifest's default).
 */
import enUS from '../../locales/en-US.json';
import deDE from '../../locales/de-DE.json';
import type { Message } from '../shared/message';
import { interpolate, isPlural, lookup, pluralKey, type Params, type TranslationResource } from '../shared/i18n-format';

/** The default locale, and the one every key must exist in. */
export const DEFAULT_LOCALE = 'en-US';

/** The shipped resources by locale code (the manifest's `translations.resources` keys). */
export const RESOURCES: Readonly<Record<string, TranslationResource>> = {
  'en-US': enUS as TranslationResource,
  'de-DE': deDE as TranslationResource,
};

/**
 * The shipped locale for a caller's locale: exact (`de-DE`; Jira also writes `de_DE`), else the first shipped one
 * of the same language (`de-AT` reads German), else English.
 */
export function resolveLocale(locale: unknown): string {
  if (typeof locale !== 'string' || locale.trim() === '') return DEFAULT_LOCALE;
  const wanted = locale.trim().replace('_', '-');
  const codes = Object.keys(RESOURCES);
  const exact = codes.find((c) => c.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const language = wanted.split('-')[0]!.toLowerCase();
  return codes.find((c) => c.split('-')[0]!.toLowerCase() === language) ?? DEFAULT_LOCALE;
}

/**
 * The sentence `key` in `locale` with its placeholders filled. With `params.count` a plural key picks its form by
 * the locale's rules. A key missing from the locale falls back to English; one missing everywhere answers the key
 * itself, so a gap shows rather than an empty message (the locale test keeps that from shipping).
 */
export function translate(locale: unknown, key: string, params?: Params): string {
  const code = resolveLocale(locale);
  for (const candidate of code === DEFAULT_LOCALE ? [code] : [code, DEFAULT_LOCALE]) {
    const resource = RESOURCES[candidate];
    let node = lookup(resource, key);
    if (isPlural(node) && typeof params?.count === 'number') {
      node = lookup(resource, pluralKey(key, params.count, candidate)) ?? node.other;
    }
    if (typeof node === 'string') return interpolate(node, params, candidate);
  }
  return key;
}

/** A translator bound to one caller's locale: `const t = translatorFor(req.context.locale); t('errors.internal')`. */
export function translatorFor(locale: unknown): (key: string, params?: Params) => string {
  return (key, params) => translate(locale, key, params);
}

/**
 * A message (key and parameters) in `locale`; parameters that are messages themselves are written in the same
 * language first. A plain string (a job problem stored by an older version) is answered as it is.
 */
export function translateMessage(locale: unknown, message: Message | string): string {
  if (typeof message === 'string') return message;
  const params: Params = {};
  for (const [name, value] of Object.entries(message.params ?? {})) {
    params[name] = typeof value === 'object' ? translateMessage(locale, value) : value;
  }
  return translate(locale, message.key, params);
}
