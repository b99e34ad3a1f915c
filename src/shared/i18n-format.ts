/**
 * How the app's translation resources (locales/*.json) are read, shared by the UI Kit frontend and the backend so
 * that both fill a sentence the same way.
 *
 * A resource is nested JSON; a key is its dotted path (`panel.coverage.sentence`). A value is a sentence with
 * `{name}` placeholders. A sentence that depends on a number is an object of CLDR plural categories
 * (`{ "one": "{count} Test", "other": "{count} Tests" }`), chosen with `Intl.PluralRules` for the locale; numbers in
 * placeholders are written with `Intl.NumberFormat` ("1,000" in English, "1.000" in German).
 */

/** A translation resource: nested objects whose leaves are sentences. */
export interface TranslationResource {
  [key: string]: string | TranslationResource;
}

/** Values for a sentence's `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** Looks a dotted key up in a resource; a plural object or a missing key answer undefined. */
export function lookup(resource: TranslationResource | undefined, key: string): string | TranslationResource | undefined {
  let node: string | TranslationResource | undefined = resource;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return node;
}

/** Fills `{name}` placeholders; a number is formatted for the locale, an unknown placeholder is left as written. */
export function interpolate(template: string, params: Params | undefined, locale: string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

/** The plural key of `key` for `count` in `locale` (`key.one`, `key.other`, ...). */
export function pluralKey(key: string, count: number, locale: string): string {
  return `${key}.${new Intl.PluralRules(locale).select(count)}`;
}

/**
 * Every sentence key of a resource, plural forms included (`a.b.one`), for the checks that every locale has every
 * key. A plural object is recognised by its keys being plural categories only.
 */
export function leafKeys(resource: TranslationResource, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(resource)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') out.push(key);
    else out.push(...leafKeys(value, key));
  }
  return out;
}

/** CLDR plural categories. */
export const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

/** Whether a resource node is a plural object (its keys are plural categories only). */
export function isPlural(node: string | TranslationResource | undefined): node is TranslationResource {
  return (
    typeof node === 'object' &&
    Object.keys(node).length > 0 &&
    Object.keys(node).every((k) => (PLURAL_CATEGORIES as readonly string[]).includes(k))
  );
}
