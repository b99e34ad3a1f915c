/**
 * The Xray Cloud client's surface, shared by the sync pipeline, the admin page and the panel. The implementation
 * lives in `xray-client.ts`; callers depend on this interface so they can be tested with scripted fakes.
 */
import type { XrayRegion } from '../shared/types';

// The import shapes belong to the domain that builds them; the client sends them as they are.
import type { XrayImportJson, XrayImportTest, XrayMultipartInfo } from '../domain/xray-import';

export type { XrayImportJson, XrayImportTest, XrayMultipartInfo };

/** What an import answers: the Test Execution. */
export interface XrayImportResult {
  id: string;
  key: string;
}

/** Why an Xray call failed, for callers that decide what to do next. */
export type XrayErrorKind =
  | 'auth' // bad client id or secret
  | 'wrong_region' // the API key's data is in another region
  | 'rate_limited' // 429 (or our own budget is spent): retry later
  | 'bad_request' // 400: Xray refused the content; retrying will not help
  | 'graphql' // a GraphQL error answer (HTTP 200 with errors)
  | 'server' // 5xx
  | 'network' // no answer: connection failed, timed out, or the answer was lost
  | 'not_configured'; // no credentials

/** An Xray failure with a message a Jira admin can act on. */
export class XrayError extends Error {
  constructor(
    readonly kind: XrayErrorKind,
    message: string,
    readonly details: {
      status?: number;
      /** True when Xray may have done the work although we saw no success (timeout, 5xx, lost answer). */
      ambiguous?: boolean;
      /** Seconds to wait before trying again, when the kind is retryable. */
      retryAfterSeconds?: number;
      /** The site's own request budget is spent: nothing was sent, and the window's end is known. */
      budget?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'XrayError';
  }

  /** Whether a later attempt may succeed (rate limits, server faults, network). */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

/** Options of one call. */
export interface XrayCallOptions {
  /**
   * Whether the request may be sent again after an ambiguous failure. Imports that create a Test Execution are not
   * (a lost answer would make a duplicate); updates by `testExecutionKey` and reads are.
   */
  idempotent: boolean;
  /** Absolute time (ms since epoch) after which no retry starts: the invocation's own deadline. */
  deadline?: number;
}

/** The Xray Cloud client. */
export interface XrayClient {
  /**
   * Checks the credentials and region: spends one request unless a cached token is still good, or always with
   * `fresh` (a connection test proves the credentials, never a cached token).
   */
  authenticate(opts?: { fresh?: boolean }): Promise<void>;
  importExecution(body: XrayImportJson, opts: XrayCallOptions): Promise<XrayImportResult>;
  importExecutionMultipart(results: XrayImportJson, info: XrayMultipartInfo, opts: XrayCallOptions): Promise<XrayImportResult>;
  /** A GraphQL call; GraphQL errors (HTTP 200 with `errors`) throw `XrayError('graphql')`. */
  graphql<T>(query: string, variables: Record<string, unknown>, opts: XrayCallOptions): Promise<T>;
  /** Xray's run statuses (`getStatuses`). */
  getStatuses(): Promise<Array<{ name: string; final?: boolean; color?: string }>>;
}

/** Settings the client is built from. */
export interface XrayClientConfig {
  region: XrayRegion;
  clientId: string;
  clientSecret: string;
  /** The site's budget per 5 minutes (300 Standard, 1000 Enterprise). */
  requestsPer5Minutes: number;
}

/** Xray Cloud API bases per region. */
export const XRAY_BASE_URLS: Record<XrayRegion, string> = {
  global: 'https://xray.cloud.getxray.app',
  us: 'https://us.xray.cloud.getxray.app',
  eu: 'https://eu.xray.cloud.getxray.app',
  au: 'https://au.xray.cloud.getxray.app',
};
