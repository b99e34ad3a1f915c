/**
 * What the handlers need from the platform, as narrow interfaces. `src/platform` implements them with Forge;
 * the sandbox implements them over loopback HTTP and in memory. Handlers are factories that take these.
 */
import type { KvsPort } from './store/kvs-port';

/** The parts of a fetch Response the app reads (both `@forge/api`'s fetch and Node's answer this way). */
export interface HttpResponseLike {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A request as the app sends it. */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** Forge's fetch takes no FormData: multipart bodies are built as bytes. */
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

/** Outbound HTTPS (`fetch` from `@forge/api` in production: egress-checked against the manifest). */
export type FetchPort = (url: string, init?: HttpRequestInit) => Promise<HttpResponseLike>;

/** A Jira REST call on a site-relative path (`/rest/api/3/...`), already URL-encoded by the caller. */
export type JiraRequest = (path: string, init?: HttpRequestInit) => Promise<HttpResponseLike>;

/** Jira REST as the calling user (permission-checked, may raise the consent prompt) or as the app. */
export interface JiraPort {
  /** As the user of this invocation. The account id is for hosts that need it; Forge knows the caller itself. */
  asUser(accountId: string): JiraRequest;
  asApp(): JiraRequest;
}

/** One event pushed to the `xray-sync` queue. */
export interface QueueEvent {
  body: Record<string, unknown>;
  delayInSeconds?: number;
  /** Serialises events with the same key (deliveries of one run). */
  concurrency?: { key: string; limit: number };
}

/** The `xray-sync` queue. */
export interface QueuePort {
  push(events: QueueEvent[]): Promise<void>;
}

/** A clock, so tests and the sandbox control time. */
export interface Clock {
  now(): number;
}

/** Structured logs. Never give it a secret: messages are checked for them in tests. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Everything a backend handler may depend on. Each handler factory takes only the parts it uses. */
export interface AppDeps {
  kvs: KvsPort;
  fetch: FetchPort;
  jira: JiraPort;
  queue: QueuePort;
  clock: Clock;
  log: Logger;
  /** The web trigger's URL for this installation, when the platform can tell. */
  webtriggerUrl(): Promise<string | undefined>;
  /** Random bytes as hex (the web trigger secret, job ids). */
  randomHex(bytes: number): string;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
