/** Pure logic of the Connection tab: the form's values, its options, and the patch that saves what changed. */
import type { SettingsPatch, SettingsView, XrayRegion } from '../../shared/types';

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
export const REGION_OPTIONS: Array<Option<XrayRegion>> = [
  { label: 'Global', value: 'global' },
  { label: 'US', value: 'us' },
  { label: 'EU', value: 'eu' },
  { label: 'AU', value: 'au' },
];

const PLAN_OPTIONS: Array<Option<number>> = [
  { label: 'Standard (300 requests per 5 minutes)', value: 300 },
  { label: 'Enterprise (1,000 requests per 5 minutes)', value: 1000 },
];

/** The Xray plan options, plus the stored budget when it is neither of Xray's two (set by hand, kept visible). */
export function planOptions(current: number): Array<Option<number>> {
  return PLAN_OPTIONS.some((o) => o.value === current)
    ? PLAN_OPTIONS
    : [...PLAN_OPTIONS, { label: `Custom (${current} requests per 5 minutes)`, value: current }];
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
export function secretPlaceholder(isStored: boolean): string {
  return isStored ? 'Stored — leave empty to keep' : 'Not set';
}
