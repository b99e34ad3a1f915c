/**
 * A stand-in for `@forge/bridge` in the element-tree tests: `invoke` and `showFlag` are mocks, and `i18n` serves
 * the app's real translation resources (locales/*.json, the manifest's `translations`) through Forge's own
 * `Translator`, so `I18nProvider` and `useTranslation` run as in the host.
 *
 * `markTranslations(true)` wraps every translated value in ⟦ ⟧: the locale test renders with it and checks that
 * every text a user reads came through the resources.
 *
 * Use: `jest.mock('@forge/bridge', () => require('./forge-bridge').forgeBridgeMock());`
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Translator, TranslationsGetter, type ForgeSupportedLocaleCode } from '@forge/i18n';
import type { TranslationResource } from '../../src/shared/i18n-format';

const root = path.resolve(__dirname, '../..');

/** The manifest's translation resources, read as Forge bundles them (`i18n-info.json` config and one file a locale). */
export function manifestTranslations(): { locales: string[]; paths: Record<string, string>; defaultLocale: string } {
  const manifest = readFileSync(path.join(root, 'manifest.yml'), 'utf8');
  const block = /^translations:\n((?: {2}.*\n)+)/m.exec(manifest)?.[1] ?? '';
  const paths: Record<string, string> = {};
  for (const m of block.matchAll(/- key: (\S+)\n\s+path: (\S+)/g)) paths[m[1]!] = m[2]!;
  const defaultLocale = /default: (\S+)/.exec(block)?.[1] ?? 'en-US';
  return { locales: Object.keys(paths), paths, defaultLocale };
}

/** A resource of the manifest by locale. */
export function resource(locale: string): TranslationResource {
  const { paths } = manifestTranslations();
  const file = paths[locale];
  if (!file) throw new Error(`no ${locale} resource in manifest.yml`);
  return JSON.parse(readFileSync(path.join(root, file), 'utf8')) as TranslationResource;
}

const getter = new TranslationsGetter({
  getI18nInfoConfig: async () => {
    const { locales, defaultLocale } = manifestTranslations();
    return { locales: locales as ForgeSupportedLocaleCode[], fallback: { default: defaultLocale as ForgeSupportedLocaleCode } };
  },
  getTranslationResource: async (locale) => resource(locale),
});

let marking = false;
/** Wraps every translated value in ⟦ ⟧ from the next mount on. */
export function markTranslations(on: boolean): void {
  marking = on;
}

/** Every key Forge's translation function was asked for, for the check that they all exist. */
export const askedKeys = new Set<string>();

/** The module object `jest.mock('@forge/bridge', ...)` answers. */
export function forgeBridgeMock() {
  return {
    invoke: jest.fn(),
    showFlag: jest.fn(),
    view: { getContext: async () => ({ locale: 'en-US' }) },
    i18n: {
      createTranslationFunction: async (locale: ForgeSupportedLocaleCode) => {
        const translator = new Translator(locale, getter);
        await translator.init();
        const mark = marking;
        return (key: string, defaultValue?: string) => {
          askedKeys.add(key);
          const value = translator.translate(key);
          if (value === null) return defaultValue ?? key;
          return mark ? `⟦${value}⟧` : value;
        };
      },
    },
  };
}
