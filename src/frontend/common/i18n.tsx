/**
 * The frontend's translator: Forge's translation function (`i18n.createTranslationFunction` from `@forge/bridge`,
 * over the resources the manifest's `translations` declares) for the lookup, the shared resource rules
 * (src/shared/i18n-format.ts) for placeholders and plurals, and `Intl` for numbers, dates and relative times in the
 * viewer's locale.
 *
 * Every string a user reads goes through {@link Translator}: `t('panel.refresh')`, `t.plural('panel.tests', n)`.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { i18n, view } from '@forge/bridge';
import { SectionMessage, Spinner, Text } from '@forge/react';
import { makeTranslator, type Lookup, type Translator } from './translator';

export { makeTranslator, relativeParts, type Lookup, type Translator } from './translator';

/**
 * Shown when no translation resource loads at all, so it cannot come from one: the English of `app.textsUnavailable`
 * (test/frontend/entries.test.ts holds the two equal).
 */
export const TEXTS_UNAVAILABLE =
  "The app's texts could not be loaded. Reload the page; if it keeps happening, tell your Jira administrator.";

const FALLBACK_LOCALE = 'en-US';

/** The loaded lookup and the locale it speaks; `undefined` when no resource could be loaded. */
type Loaded = { lookup: Lookup; locale: string } | undefined;

const LookupContext = createContext<{ lookup: Lookup; locale: string }>({ lookup: (key, d) => d ?? key, locale: FALLBACK_LOCALE });

/** The translator of the surrounding {@link Localised}, in the viewer's locale. */
export function useT(): Translator {
  const { lookup, locale } = useContext(LookupContext);
  return useMemo(() => makeTranslator(lookup, locale), [lookup, locale]);
}

type LocaleCode = NonNullable<Parameters<typeof i18n.createTranslationFunction>[0]>;

/**
 * Loads the viewer's resource, else English, else nothing. `@forge/react`'s `I18nProvider` swallows a failed load
 * and stays "not ready" for ever, which left the page on a spinner; this one always settles.
 */
async function loadLookup(locale: LocaleCode | undefined): Promise<Loaded> {
  try {
    const target = locale ?? ((await view.getContext()).locale as LocaleCode);
    return { lookup: await i18n.createTranslationFunction(target), locale: target };
  } catch {
    try {
      return { lookup: await i18n.createTranslationFunction(FALLBACK_LOCALE), locale: FALLBACK_LOCALE };
    } catch {
      return undefined;
    }
  }
}

/**
 * Loads the translations (the viewer's locale from the view context unless `locale` is given) and renders
 * `children` once they are there: a spinner meanwhile, so no one sees raw keys, and a plain message if none load.
 */
export function Localised({ children, locale }: { children: ReactNode; locale?: LocaleCode }) {
  const [loaded, setLoaded] = useState<{ value: Loaded } | null>(null);
  useEffect(() => {
    let current = true;
    void loadLookup(locale).then((value) => {
      if (current) setLoaded({ value });
    });
    return () => {
      current = false;
    };
  }, [locale]);
  if (!loaded) return <Spinner />;
  if (!loaded.value) {
    return (
      <SectionMessage appearance="error">
        <Text>{TEXTS_UNAVAILABLE}</Text>
      </SectionMessage>
    );
  }
  return <LookupContext.Provider value={loaded.value}>{children}</LookupContext.Provider>;
}
