/**
 * How Xray's answers become `XrayError`s with messages a Jira admin can act on. Xray words its failures in a few
 * shapes (`{"error": "..."}` on REST, `{"errors": [{message}]}` on GraphQL, HTML from CloudFront); this file reads
 * them all so the client never shows a raw body, and never a secret.
 */
import type { XrayRegion } from '../shared/types';
import { XrayError } from './xray-types';

/** The region names an admin sees in Settings. */
export const REGION_LABELS: Record<XrayRegion, string> = { global: 'Global', us: 'US', eu: 'EU', au: 'AU' };

/** The Xray endpoints the client calls, as counted in stats and named in messages. */
export type XrayEndpoint = 'authenticate' | 'import/execution' | 'import/execution/multipart' | 'graphql';

/** What the user reads when the API key belongs to another region. */
export function wrongRegionMessage(region: XrayRegion): string {
  return (
    `Failed to reach Xray: the API key's data is in another region than ${REGION_LABELS[region]}. ` +
    'Set the region where your Xray data is kept (US, EU, AU or Global) in Settings.'
  );
}

/** What the user reads when Xray refuses the client id and secret. */
export const BAD_CREDENTIALS_MESSAGE =
  'Xray refused the client id and secret. Create an API key in Xray (Settings > API Keys) and enter it in Settings.';

// Long bodies (HTML pages, stack traces) would swamp the job log and the admin page.
const MAX_DETAIL = 300;

/**
 * Xray's own words from an error body: `error` (REST), the first `errors[].message` (GraphQL), `message`, or the
 * first line of a text body with markup removed. Empty when the body says nothing useful.
 */
export function xrayDetail(body: string): string {
  const text = body.trim();
  if (!text) return '';
  try {
    const parsed: unknown = JSON.parse(text);
    const found = detailOf(parsed);
    if (found !== undefined) return clip(found);
  } catch {
    // Not JSON: fall through to the text.
  }
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return clip(plain ?? '');
}

function detailOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  const v = value as { error?: unknown; errors?: unknown; message?: unknown };
  if (typeof v.error === 'string') return v.error;
  if (v.error && typeof v.error === 'object') return detailOf(v.error);
  if (Array.isArray(v.errors) && v.errors.length > 0) {
    const first: unknown = v.errors[0];
    if (typeof first === 'string') return first;
    if (first && typeof first === 'object' && typeof (first as { message?: unknown }).message === 'string') {
      return (first as { message: string }).message;
    }
  }
  if (typeof v.message === 'string') return v.message;
  return undefined;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_DETAIL ? `${one.slice(0, MAX_DETAIL - 1)}…` : one;
}

/** Whether a body is Xray's "data is in another region" answer (a 401 on authenticate or on any call). */
export function isWrongRegionBody(body: string): boolean {
  return /another region/i.test(body);
}

/**
 * Whether a body is the CloudFront error page users report when they call the wrong regional host. It is only a
 * hint (CloudFront shows the same page for real outages), so it shapes the message, not the error kind.
 */
export function isCloudFrontRegionPage(body: string): boolean {
  return /CloudFront/i.test(body) && /Lambda function/i.test(body);
}

/** A label for messages: what the request was doing. */
export function describeEndpoint(endpoint: XrayEndpoint): string {
  switch (endpoint) {
    case 'authenticate':
      return 'the sign-in';
    case 'import/execution':
    case 'import/execution/multipart':
      return 'the results import';
    case 'graphql':
      return 'the query';
  }
}

/**
 * The error for an answer that will not get better by sending the same request again (4xx other than 401 and 429).
 * 401 and 429 are decided by the client, which knows whether it may re-authenticate or retry.
 */
export function refusalError(endpoint: XrayEndpoint, status: number, body: string): XrayError {
  const detail = xrayDetail(body);
  const isImport = endpoint === 'import/execution' || endpoint === 'import/execution/multipart';
  if (endpoint === 'graphql' && hasGraphqlErrors(body)) {
    return new XrayError('graphql', `Xray refused the query: ${detail || `HTTP ${status}`}`, { status });
  }
  if (status === 413) {
    return new XrayError(
      'bad_request',
      'Xray refused the results as too large (413 Request Entity Too Large). Send fewer results or smaller attachments per delivery.',
      { status },
    );
  }
  if (status === 403) {
    return new XrayError(
      'auth',
      `Xray refused ${describeEndpoint(endpoint)} (403)${detail ? `: ${detail}` : ''}. The API key's user may lack permission in this project.`,
      { status },
    );
  }
  const what = isImport ? 'the results' : describeEndpoint(endpoint);
  return new XrayError('bad_request', `Xray refused ${what}: ${detail || `HTTP ${status}`}`, { status });
}

function hasGraphqlErrors(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(parsed.errors) && parsed.errors.length > 0;
  } catch {
    return false;
  }
}

/**
 * Replaces every occurrence of the given secrets in a text. Messages are built without secrets in the first place;
 * this is the second lock, for Xray answers that might echo what we sent.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    // Short strings would blank out ordinary words; real secrets and tokens are long.
    if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  }
  // Any JWT, ours or not (a token of another key, a clipped copy of ours), is a credential.
  return out.replace(JWT_PATTERN, '[redacted]');
}

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(\.[A-Za-z0-9_-]*)?/g;

/** The same error with secrets removed from its message (other errors pass through untouched). */
export function redactError(err: unknown, secrets: ReadonlyArray<string | undefined>): unknown {
  if (!(err instanceof XrayError)) return err;
  const message = redact(err.message, secrets);
  if (message === err.message) return err;
  const copy = new XrayError(err.kind, message, err.details);
  copy.stack = redact(err.stack ?? '', secrets);
  return copy;
}
