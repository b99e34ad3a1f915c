/**
 * Job problems and warnings as they are stored: a `jobErrors.*` message key with parameters, never English text,
 * so the sync log reads them in the admin's language (`listJobs`, `retryJob`) and `GET ?job=` in English (contract
 * section 3). Vendor text (Xray's own error message) travels as a parameter, as the vendor sent it.
 *
 * Adding one: put the sentence under `jobErrors` in every locales/*.json, then `jobMsg('yourCode', { ... })` where
 * the job gets it. Jobs stored by earlier versions hold plain strings: those read as they are.
 */
import { msg, isMessage, type Message, type MessageKey, type MessageParam } from '../shared/message';

/** The codes of job messages: the keys under `jobErrors` in en-US.json (a code it lacks is a type error). */
export type JobErrorCode = MessageKey extends infer K ? (K extends `jobErrors.${infer C}` ? C : never) : never;

/** A job problem as stored: a message, or a plain English string from a job of an earlier version. */
export type JobMessage = Message | string;

/** The stored form of the job message `code` with its parameters. */
export function jobMsg(code: JobErrorCode, params?: Record<string, MessageParam>): Message {
  return msg(`jobErrors.${code}` as MessageKey, params);
}

/** Whether two stored job messages say the same (same key and parameters, or the same old string). */
export function sameJobMessage(a: JobMessage, b: JobMessage): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a stored value is a job message of either shape (records are read back from storage untyped). */
export function isJobMessage(value: unknown): value is JobMessage {
  return typeof value === 'string' || isMessage(value);
}

/**
 * "609, 610 and 3 more": the first `max` ids of a list, unique, in order, as a message parameter (the "and N more"
 * is worded in the reader's language).
 */
export function idList(ids: readonly string[], max = 20): MessageParam {
  const unique = [...new Set(ids)];
  const shown = unique.slice(0, max).join(', ');
  return unique.length > max ? jobMsg('idsAndMore', { ids: shown, count: unique.length - max }) : shown;
}
