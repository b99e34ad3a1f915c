/**
 * The translator every frontend string goes through (pure: no Forge import, so model tests use it as it is):
 * a lookup of the app's resources (Forge's `t`, from `useTranslation`) plus the shared resource rules
 * (src/shared/i18n-format.ts) for placeholders and plurals, and `Intl` for numbers, dates and relative times.
 */
import { interpolate, pluralKey, type Params } from '../../shared/i18n-format';

/** Translates keys of the app's resources in one locale. */
export interface Translator {
  /** The sentence `key` with `{name}` placeholders filled (numbers formatted for the locale). */
  (key: string, params?: Params): string;
  /** The plural form of `key` for `count` (`key.one`, `key.other`...), with `{count}` and `params` filled. */
  plural(key: string, count: number, params?: Params): string;
  /** A number in the viewer's locale ("1,000" / "1.000"). */
  number(value: number): string;
  /** "2 hours ago" in the viewer's locale ("2 hr. ago" `short`, for narrow columns); the time as it came when it does not parse. */
  relative(iso: string, style?: 'long' | 'short'): string;
  /** The exact time in the viewer's locale and time zone, with the zone named. */
  exact(iso: string): string;
  /** Whether the resources have a sentence for `key`. */
  has(key: string): boolean;
  /** The locale it writes. */
  locale: string;
}

/** Forge's lookup: the sentence for a key, or the default (else the key) when no resource has it. */
export type Lookup = (key: string, defaultValue?: string) => string;

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** The largest whole unit of a distance in time, signed: -7200 s is [-2, 'hour']. */
export function relativeParts(seconds: number): [number, Intl.RelativeTimeFormatUnit] {
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size) return [Math.sign(seconds) * Math.floor(abs / size), unit];
  }
  return [0, 'second'];
}

/** Builds a translator over a lookup (Forge's `t`, or a test's); `now` is the clock relative times read. */
export function makeTranslator(lookup: Lookup, locale: string, now: () => number = Date.now): Translator {
  const text = (key: string, params?: Params) => interpolate(lookup(key), params, locale);
  const translator = text as Translator;
  translator.plural = (key, count, params) => {
    const form = lookup(pluralKey(key, count, locale), '');
    const template = form !== '' ? form : lookup(`${key}.other`);
    return interpolate(template, { ...params, count }, locale);
  };
  translator.number = (value) => new Intl.NumberFormat(locale).format(value);
  translator.relative = (iso, style = 'long') => {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    // Times shown are of things that happened: a server clock a little ahead of the viewer's must not read "in 1 minute".
    const [value, unit] = relativeParts(Math.min(0, Math.round((ms - now()) / 1000)));
    return new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style }).format(value, unit);
  };
  translator.exact = (iso) => {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long' }).format(new Date(ms));
  };
  translator.has = (key) => lookup(key, '') !== '';
  translator.locale = locale;
  return translator;
}

