/**
 * The admin page's "Test connection": one check against Xray, one against Testsigma, each answering a sentence the
 * admin can act on (a message key with parameters, worded in the admin's language by the resolver). Failures here
 * are answers, not errors: the report says what is wrong on each side.
 */
import type { ConnectionReport, XrayRegion } from '../shared/types';
import type { Logger } from '../ports';
import type { XrayClient, XrayClientConfig } from '../xray/xray-types';
import { XRAY_BASE_URLS, XrayError } from '../xray/xray-types';
import type { StoredSettings } from '../domain/settings';
import { effectiveStatusMap, missingTargets } from '../domain/status-map';
import { TestsigmaError } from '../testsigma/testsigma-client';
import { msg, type Message } from '../shared/message';

/** The parts of the admin dependencies the checks use. */
export interface ConnectionCheckDeps {
  log: Logger;
  xrayClientFor(config: XrayClientConfig): XrayClient;
  testsigmaPing(config: { baseUrl: string; apiKey: string }): Promise<void>;
}

/** The Xray answer without secrets in it (the caller redacts once more, after wording it). */
export type XrayCheck = Omit<ConnectionReport['xray'], 'message'> & { message: Message };
/** The Testsigma answer. */
export type TestsigmaCheck = Omit<ConnectionReport['testsigma'], 'message'> & { message: Message };

/** Shown when Xray has no credentials: matches what the Connection tab asks for. */
export const XRAY_MISSING_CREDENTIALS = msg('connection.xrayMissing');
/** Shown when Testsigma has no key: the key is optional, so the message says what it is for. */
export const TESTSIGMA_MISSING_KEY = msg('connection.testsigmaMissing');

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
function statusWarning(map: Record<string, string>, statuses: readonly string[]): Message | undefined {
  const missing = missingTargets(map, statuses);
  if (missing.length === 0) return undefined;
  // "BLOCKED, SKIP to 'SKIPPED' and ...": words and status names are the admin's own and stay as written.
  const pairs = missing.map((target) =>
    msg('connection.mapping', { words: Object.entries(map).filter(([, t]) => t === target).map(([w]) => w).join(', '), target }),
  );
  const mappings = pairs.slice(1).reduce<Message>((first, next) => msg('connection.mappingAnd', { first, next }), pairs[0]!);
  return msg('connection.statusWarning', { count: missing.length, mappings });
}

function xrayFailure(err: unknown, region: XrayRegion, budget: number, log: Logger, secrets: readonly string[]): Message {
  const host = hostOf(XRAY_BASE_URLS[region]);
  if (!(err instanceof XrayError)) {
    log.error('xray connection check failed unexpectedly', { error: redactSecrets(err instanceof Error ? err.message : String(err), secrets) });
    return msg('connection.xrayUnexpected');
  }
  switch (err.kind) {
    case 'not_configured':
      return XRAY_MISSING_CREDENTIALS;
    case 'auth':
      return msg('connection.xrayAuth');
    case 'wrong_region':
      return msg('connection.xrayWrongRegion', { region: REGION_LABEL[region], host });
    case 'rate_limited':
      return err.details.retryAfterSeconds
        ? msg('connection.xrayBusyMinutes', { budget, count: Math.ceil(err.details.retryAfterSeconds / 60) })
        : msg('connection.xrayBusy', { budget });
    case 'network':
      return msg('connection.xrayUnreachable', { host });
    case 'server':
      return err.details.status ? msg('connection.xrayServerStatus', { host, status: String(err.details.status) }) : msg('connection.xrayServer', { host });
    case 'bad_request':
    case 'graphql':
      // Xray's own words stay as Xray sent them.
      return msg('connection.xrayRefused', { reason: err.message });
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
      return { ok: false, message: msg('connection.xrayTimeout', { host, count: Math.round(timeoutMs / 1000) }) };
    }
    const statuses = [...new Set(answer.map((s) => s.name).filter((n): n is string => typeof n === 'string' && n !== ''))];
    const warning = statusWarning(effectiveStatusMap(settings.statusOverrides), statuses);
    const where = { region: REGION_LABEL[region], host };
    return {
      ok: true,
      message: warning ? msg('connection.xrayConnectedWarning', { ...where, warning }) : msg('connection.xrayConnected', where),
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
    const host = hostOf(baseUrl);
    if (answer === TIMED_OUT) {
      return { ok: false, message: msg('connection.testsigmaTimeout', { host, count: Math.round(timeoutMs / 1000) }) };
    }
    return { ok: true, message: msg('connection.testsigmaConnected', { host }) };
  } catch (err) {
    return { ok: false, message: testsigmaFailure(err, hostOf(baseUrl), apiKey) };
  }
}

/** Why the Testsigma check failed, in our words for the kinds we know; other text is quoted (secrets removed). */
function testsigmaFailure(err: unknown, host: string, apiKey: string): Message {
  if (err instanceof TestsigmaError) {
    if (err.kind === 'auth') return msg('connection.testsigmaAuth', { host });
    if (err.kind === 'rate_limited') return msg('connection.testsigmaBusy', { host });
    if (err.kind === 'server') return msg('connection.testsigmaServer', { host, status: String(err.details.status ?? '') });
  }
  const said = err instanceof Error ? err.message.trim() : '';
  return said ? msg('connection.testsigmaFailed', { reason: redactSecrets(said, [apiKey]) }) : msg('connection.testsigmaAuth', { host });
}
