/**
 * The frontend's translator: Forge's `useTranslation` (inside `I18nProvider`, over the resources the manifest's
 * `translations` declares) for the lookup, the shared resource rules (src/shared/i18n-format.ts) for placeholders
 * and plurals, and `Intl` for numbers, dates and relative times in the viewer's locale.
 *
 * Every string a user reads goes through {@link Translator}: `t('panel.refresh')`, `t.plural('panel.tests', n)`.
 */
import { useMemo, type ReactNode } from 'react';
import { I18nProvider, Spinner, useTranslation } from '@forge/react';
import { makeTranslator, type Translator } from './translator';

export { makeTranslator, relativeParts, type Lookup, type Translator } from './translator';

/** The translator of the surrounding `I18nProvider`, in the viewer's locale. */
export function useT(): Translator {
  const i18n = useTranslation();
  const locale = i18n.ready ? i18n.locale : 'en-US';
  return useMemo(() => makeTranslator(i18n.t, locale), [i18n.t, locale]);
}

/** Shows a spinner until the translations are loaded, so no one sees raw keys. */
function WhenTranslated({ children }: { children: ReactNode }) {
  const { ready } = useTranslation();
  return ready ? <>{children}</> : <Spinner />;
}

/** Wraps an app in Forge's `I18nProvider` (the viewer's locale from the view context) and waits for it. */
export function Localised({ children, locale }: { children: ReactNode; locale?: Parameters<typeof I18nProvider>[0]['locale'] }) {
  return (
    <I18nProvider {...(locale ? { locale } : {})}>
      <WhenTranslated>{children}</WhenTranslated>
    </I18nProvider>
  );
}
