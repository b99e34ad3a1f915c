/**
 * The admin page's "Test connection": one check against Xray, one against Testsigma, each answering a sentence the
 * admin can act on. Failures here are answers, not errors: the report says what is wrong on each side.
 */
import type { ConnectionReport, XrayRegion } from '../shared/types';
import type { Logger } from '../ports';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { XRAY_BASE_URLS, XrayError } from '../xray/xray-types';
import type { StoredSettings } from '../domain/settings';
import { effectiveStatusMap, missingTargets } from '../domain/status-map';

/** The parts of the admin dependencies the checks use. */
export interface ConnectionCheckDeps {
  log: Logger;
  xrayClientFor(config: XrayClientConfig): XrayClient;
  testsigmaPing(config: { baseUrl: string; apiKey: string }): Promise<void>;
}

/** The Xray answer without secrets in it (the caller redacts once more). */
export type XrayCheck = ConnectionReport['xray'];
/** The Testsigma answer. */
export type TestsigmaCheck = ConnectionReport['testsigma'];

/** Shown when Xray has no credentials: matches what the Connection tab asks for. */
export const XRAY_MISSING_CREDENTIALS = 'Enter the Xray client id and secret, then save.';
/** Shown when Testsigma has no key: the key is optional, so the message says what it is for. */
export const TESTSIGMA_MISSING_KEY = 'No Testsigma API key set (optional: needed for names in the panel and pull mode).';

const REGION_LABEL: Record<XrayRegion, string> = { global: 'Global', us: 'US', eu: 'EU', au: 'AU' };
const REDACTED = '[redacted]';

/** The host of a URL, for messages (never the full URL: a path could carry a token). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Replaces every occurrence of the given secrets, and any bearer token, with a marker. External services sometimes
 * echo a request back in their errors, and these messages reach the browser and the logs.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const s of [...secrets].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(REDACTED);
  }
  return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
}

const TIMED_OUT = Symbol('timed out');

/** Resolves to TIMED_OUT after `ms`; the timer is cleared so a finished check leaves nothing running. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * The warning for targets the site lacks (compared without case and spaces, as the sync compares them): "BLOCKED to
 * 'SKIPPED'", grouping the words that share a target. The sync counts such results failed rather than send them.
 */
function statusWarning(map: Record<string, string>, statuses: readonly string[]): string {
  const missing = missingTargets(map, statuses);
  if (missing.length === 0) return '';
  const parts = missing.map((target) => {
    const words = Object.entries(map).filter(([, t]) => t === target).map(([w]) => w);
    return `${words.join(', ')} to '${target}'`;
  });
  const these = missing.length === 1 ? 'the status' : 'these statuses';
  return `, but the status map sends ${parts.join(' and ')}, which Xray does not have, so such results are not synced. Add ${these} in Xray or change the map.`;
}

function xrayFailure(err: unknown, region: XrayRegion, budget: number, log: Logger, secrets: readonly string[]): string {
  const where = `${REGION_LABEL[region]} region (${hostOf(XRAY_BASE_URLS[region])})`;
  const host = hostOf(XRAY_BASE_URLS[region]);
  if (!(err instanceof XrayError)) {
    log.error('xray connection check failed unexpectedly', { error: redactSecrets(err instanceof Error ? err.message : String(err), secrets) });
    return 'The Xray check failed unexpectedly. Try again; if it keeps failing, check the app\'s logs.';
  }
  switch (err.kind) {
    case 'not_configured':
      return XRAY_MISSING_CREDENTIALS;
    case 'auth':
      return 'Xray refused the client id and secret. Check the API key in Xray (Global Settings > API Keys), enter the client id and secret again, and save.';
    case 'wrong_region':
      return `Xray says this API key's data is kept in another region than the ${where}. Choose the region your Xray data is in, save, and test again.`;
    case 'rate_limited': {
      const wait = err.details.retryAfterSeconds ? ` in about ${Math.ceil(err.details.retryAfterSeconds / 60)} minute(s)` : ' in a few minutes';
      return `Xray's request limit for this site is used up for now (${budget} requests per 5 minutes). Try again${wait}.`;
    }
    case 'network':
      return `Could not reach Xray at ${host}: check the app's network egress and try again.`;
    case 'server':
      return `Xray at ${host} answered with a server error${err.details.status ? ` (HTTP ${err.details.status})` : ''}. Try again later; if it keeps happening, check the region too: Xray sometimes answers a wrong region this way.`;
    case 'bad_request':
    case 'graphql':
      return `Xray refused to list its statuses: ${err.message} Check that the API key's user may read Xray's settings.`;
  }
}

/** Authenticates with the stored Xray settings and reads the run statuses; never throws. */
export async function checkXray(
  deps: ConnectionCheckDeps,
  settings: StoredSettings,
  clientSecret: string | undefined,
  timeoutMs: number,
): Promise<XrayCheck> {
  const { region, clientId, requestsPer5Minutes } = settings.xray;
  if (!clientId || !clientSecret) return { ok: false, message: XRAY_MISSING_CREDENTIALS };
  const host = hostOf(XRAY_BASE_URLS[region]);
  try {
    const client = deps.xrayClientFor({ region, clientId, clientSecret, requestsPer5Minutes });
    // A fresh sign-in proves the saved secret (a cached token would pass a wrong one); getStatuses then proves the API.
    const answer = await withTimeout(
      client.authenticate({ fresh: true }).then(() => client.getStatuses()),
      timeoutMs,
    );
    if (answer === TIMED_OUT) {
      return { ok: false, message: `Xray at ${host} did not answer within ${Math.round(timeoutMs / 1000)} seconds. Try again; if it keeps happening, check the app's network egress.` };
    }
    const statuses = [...new Set(answer.map((s) => s.name).filter((n): n is string => typeof n === 'string' && n !== ''))];
    const warning = statusWarning(effectiveStatusMap(settings.statusOverrides), statuses);
    return {
      ok: true,
      message: `Connected to Xray Cloud in the ${REGION_LABEL[region]} region (${host})${warning || '.'}`,
      statuses,
    };
  } catch (err) {
    return { ok: false, message: xrayFailure(err, region, requestsPer5Minutes, deps.log, [clientSecret]) };
  }
}

/** Pings Testsigma with the stored key; never throws. */
export async function checkTestsigma(
  deps: ConnectionCheckDeps,
  settings: StoredSettings,
  apiKey: string | undefined,
  timeoutMs: number,
): Promise<TestsigmaCheck> {
  if (!apiKey) return { ok: false, message: TESTSIGMA_MISSING_KEY };
  const { baseUrl } = settings.testsigma;
  try {
    const answer = await withTimeout(deps.testsigmaPing({ baseUrl, apiKey }), timeoutMs);
    if (answer === TIMED_OUT) {
      return { ok: false, message: `Testsigma at ${hostOf(baseUrl)} did not answer within ${Math.round(timeoutMs / 1000)} seconds. Try again later.` };
    }
    return { ok: true, message: `Connected to Testsigma at ${hostOf(baseUrl)}.` };
  } catch (err) {
    const said = err instanceof Error ? err.message.trim() : '';
    return {
      ok: false,
      message: redactSecrets(said || `Testsigma at ${hostOf(baseUrl)} did not accept the API key. Check the key in Testsigma and save it again.`, [apiKey]),
    };
  }
}
