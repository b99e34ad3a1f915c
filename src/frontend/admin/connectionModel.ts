/** Pure logic of the Connection tab: the form's values, its options, and the patch that saves what changed. */
import type { SettingsPatch, SettingsView, XrayRegion } from '../../shared/types';
import type { Translator } from '../common/translator';

/** The Connection tab's editable values. Secrets start empty: they are never sent to the browser. */
export interface ConnectionForm {
  region: XrayRegion;
  clientId: string;
  clientSecret: string;
  requestsPer5Minutes: number;
  baseUrl: string;
  apiKey: string;
}

/** A Select option. */
export interface Option<V> {
  label: string;
  value: V;
}

/** Xray Cloud's regions, each with its own API host. */
export const REGIONS: readonly XrayRegion[] = ['global', 'us', 'eu', 'au'];

/** The region options, named in the viewer's language. */
export function regionOptions(t: Translator): Array<Option<XrayRegion>> {
  return REGIONS.map((value) => ({ label: t(`admin.connection.region.${value}`), value }));
}

/** Xray's two plans and their request budgets per 5 minutes. */
const PLANS = [
  { plan: 'standard', value: 300 },
  { plan: 'enterprise', value: 1000 },
] as const;

/** The Xray plan options, plus the stored budget when it is neither of Xray's two (set by hand, kept visible). */
export function planOptions(t: Translator, current: number): Array<Option<number>> {
  const options = PLANS.map(({ plan, value }) => ({ label: t(`admin.connection.plan.${plan}`, { count: value }), value }));
  return options.some((o) => o.value === current)
    ? options
    : [...options, { label: t('admin.connection.plan.custom', { count: current }), value: current }];
}

/** The option whose value is `value` (Select wants the option object, not the value). */
export function optionFor<V>(options: Array<Option<V>>, value: V): Option<V> | undefined {
  return options.find((o) => o.value === value);
}

/** The form as it starts from stored settings. */
export function connectionForm(settings: SettingsView): ConnectionForm {
  return {
    region: settings.xray.region,
    clientId: settings.xray.clientId,
    clientSecret: '',
    requestsPer5Minutes: settings.xray.requestsPer5Minutes,
    baseUrl: settings.testsigma.baseUrl,
    apiKey: '',
  };
}

/**
 * The `saveSettings` patch for what the form changed. A blank secret is left out, which keeps the stored one
 * ("leave empty to keep"); sending it would be refused, since a secret that is given must be non-blank.
 */
export function connectionPatch(form: ConnectionForm, settings: SettingsView): SettingsPatch {
  const xray: NonNullable<SettingsPatch['xray']> = {};
  if (form.region !== settings.xray.region) xray.region = form.region;
  if (form.clientId.trim() !== settings.xray.clientId) xray.clientId = form.clientId.trim();
  if (form.clientSecret.trim() !== '') xray.clientSecret = form.clientSecret;
  if (form.requestsPer5Minutes !== settings.xray.requestsPer5Minutes) {
    xray.requestsPer5Minutes = form.requestsPer5Minutes;
  }
  const testsigma: NonNullable<SettingsPatch['testsigma']> = {};
  if (form.baseUrl.trim() !== settings.testsigma.baseUrl) testsigma.baseUrl = form.baseUrl.trim();
  if (form.apiKey.trim() !== '') testsigma.apiKey = form.apiKey;
  const patch: SettingsPatch = {};
  if (Object.keys(xray).length > 0) patch.xray = xray;
  if (Object.keys(testsigma).length > 0) patch.testsigma = testsigma;
  return patch;
}

/** Whether a patch would change anything. */
export function isEmptyPatch(patch: SettingsPatch): boolean {
  return Object.keys(patch).length === 0;
}

/** The password field's placeholder: says whether a secret is stored, since its value never comes back. */
export function secretPlaceholder(t: Translator, isStored: boolean): string {
  return t(isStored ? 'admin.connection.secretStored' : 'admin.connection.secretNotSet');
}

/** How a section of the Connection tab stands, for the status beside its heading. */
export interface SectionStatus {
  state: 'connected' | 'failed' | 'notTested' | 'notSet';
  /** When the connection test that gave the state ran (ISO 8601), when known. */
  testedAt?: string;
}

/**
 * Xray's status from the setup record: the last connection test's outcome with its time, "not tested" for saved
 * credentials not tested since, and "not set" while the client id or secret is missing.
 */
export function xrayStatus(settings: SettingsView): SectionStatus {
  const setup = settings.setup;
  const at = setup?.xrayTestedAt ? { testedAt: setup.xrayTestedAt } : {};
  if (setup?.xray === 'ok') return { state: 'connected', ...at };
  if (setup?.xray === 'failed') return { state: 'failed', ...at };
  return { state: settings.xray.clientId !== '' && settings.xray.hasClientSecret ? 'notTested' : 'notSet' };
}

/** Testsigma's status: "not set" without an API key (optional, so never a failure), else as for Xray. */
export function testsigmaStatus(settings: SettingsView): SectionStatus {
  const setup = settings.setup;
  if (!settings.testsigma.hasApiKey) return { state: 'notSet' };
  const at = setup?.testsigmaTestedAt ? { testedAt: setup.testsigmaTestedAt } : {};
  if (setup?.testsigma === 'ok') return { state: 'connected', ...at };
  if (setup?.testsigma === 'failed') return { state: 'failed', ...at };
  return { state: 'notTested' };
}

/** The Connection tab's fields, by the id of their control. */
export type ConnectionFieldId =
  | 'xray-region'
  | 'xray-client-id'
  | 'xray-client-secret'
  | 'xray-plan'
  | 'testsigma-base-url'
  | 'testsigma-api-key';

// `saveSettings` refuses with "<field>: <problem>" (the backend's `settingsErrors.atField`); the field's path says
// which control the message belongs under.
const FIELD_OF_PATH: Record<string, ConnectionFieldId> = {
  'xray.region': 'xray-region',
  'xray.clientId': 'xray-client-id',
  'xray.clientSecret': 'xray-client-secret',
  'xray.requestsPer5Minutes': 'xray-plan',
  'testsigma.baseUrl': 'testsigma-base-url',
  'testsigma.apiKey': 'testsigma-api-key',
};

/**
 * The control a refused save names, so that its message shows under that field; undefined for an error that names
 * none of this tab's fields (it then shows beside the buttons).
 */
export function fieldOfError(error: { code: string; message: string } | undefined): ConnectionFieldId | undefined {
  if (error?.code !== 'invalid_settings') return undefined;
  const path = /^([A-Za-z0-9_.]+)(?:,[^:]*)?: /.exec(error.message)?.[1];
  return path === undefined ? undefined : FIELD_OF_PATH[path];
}
