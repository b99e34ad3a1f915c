/**
 * What the preview's page bridge answers: each `@forge/bridge` API the app may import, with the bridge commands it
 * sends (read from `@forge/bridge`'s own code). The coverage test checks the frontend's imports against this map and
 * every command against what `page-bridge.ts` handles. Pure data, so node tests can read it.
 */

/** `@forge/bridge` API (export, or export.member) -> the commands it sends through `__bridge.callBridge`. */
export const BRIDGE_API: Record<string, string[]> = {
  invoke: ['invoke'],
  showFlag: ['showFlag', 'closeFlag'],
  'view.getContext': ['getContext'],
  'view.refresh': ['refresh'],
  'view.close': ['close'],
  'view.submit': ['submit'],
  'router.navigate': ['navigate'],
  'router.open': ['open'],
  'router.reload': ['reload'],
  // @forge/react's I18nProvider: view.getContext for the locale, then fetches ./__LOCALES__/ (no bridge command).
  'i18n.createTranslationFunction': ['getContext'],
  'i18n.getTranslations': ['getContext'],
};

/** Commands `page-bridge.ts` handles. */
export const HANDLED_COMMANDS = ['invoke', 'getContext', 'showFlag', 'closeFlag', 'navigate', 'open', 'reload', 'refresh', 'close', 'submit'] as const;
