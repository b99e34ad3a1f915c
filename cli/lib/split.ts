/**
 * Splits a run into deliveries that each fit the web trigger's body limit. Every delivery carries the run's
 * top-level fields (`runId`, `testPlanId`, `summary`, ...), so the app files them all under one Test Execution.
 */
import { CliError } from './errors';
import type { ResultsFile } from './schema';

/**
 * The largest body sent in one POST. The app answers 413 over 4 MiB; a little headroom keeps an off-by-one on
 * either side from costing a delivery. As base64 grows data by 4/3, a body this size also holds less than the
 * app's 3 MiB of decoded attachments per delivery.
 */
export const MAX_DELIVERY_BYTES = 4 * 1024 * 1024 - 1024;

/** One POST body. */
export interface Delivery {
  /** The JSON text to send, byte for byte (it is also what gets signed). */
  body: string;
  /** UTF-8 length of `body`. */
  bytes: number;
  /** Index in the file's `results` of this delivery's first result. */
  firstIndex: number;
  /** How many results it holds. */
  count: number;
}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Packs results in file order into as few deliveries as fit `maxBytes` each. Throws a {@link CliError} naming the
 * result when one alone (with the run's fields) is over the limit, since no split can send it.
 */
export function splitRun(file: ResultsFile, maxBytes: number = MAX_DELIVERY_BYTES): Delivery[] {
  const { results, ...top } = file;
  // JSON.stringify({ ...top, results: [a, b] }) is the empty envelope plus each result plus the commas between
  // them, so sizes add up exactly without re-serialising the whole run for every candidate.
  const envelope = byteLength(JSON.stringify({ ...top, results: [] }));
  const sizes = results.map((r) => byteLength(JSON.stringify(r)));

  sizes.forEach((size, i) => {
    if (envelope + size > maxBytes) {
      const r = results[i];
      throw new CliError(
        `results[${i}] (testCaseId ${String(r?.testCaseId)}) is ${mib(size)} on its own, over the ${mib(maxBytes)} a delivery may hold, ` +
          'so it cannot be sent even alone. Make its attachments smaller or leave them out (the app skips attachments over 2 MiB anyway), then send again.',
      );
    }
  });

  const deliveries: Delivery[] = [];
  let start = 0;
  let bytes = envelope;
  const flush = (end: number) => {
    const body = JSON.stringify({ ...top, results: results.slice(start, end) });
    deliveries.push({ body, bytes: byteLength(body), firstIndex: start, count: end - start });
    start = end;
    bytes = envelope;
  };
  sizes.forEach((size, i) => {
    const extra = size + (i > start ? 1 : 0);
    if (i > start && bytes + extra > maxBytes) flush(i);
    bytes += size + (i > start ? 1 : 0);
  });
  flush(results.length);
  return deliveries;
}

/** A byte count for messages: MiB, or KiB below one MiB. */
export function mib(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}
