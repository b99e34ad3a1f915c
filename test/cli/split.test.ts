import { CliError } from '../../cli/lib/errors';
import type { ResultsFile } from '../../cli/lib/schema';
import { MAX_DELIVERY_BYTES, splitRun } from '../../cli/lib/split';

const MiB = 1024 * 1024;

/** A run of `n` results, each carrying an attachment of `attachmentBytes` base64 characters. */
function bigRun(n: number, attachmentBytes: number): ResultsFile {
  return {
    runId: 'nightly-337',
    testPlanId: '274',
    summary: 'Nightly regression, build 1.4.2 — ünïcode',
    startedAt: '2026-11-25T10:00:00Z',
    environments: ['Chrome', 'Windows 11'],
    results: Array.from({ length: n }, (_, i) => ({
      testCaseId: String(1000 + i),
      status: i % 7 === 0 ? 'FAILURE' : 'SUCCESS',
      message: `case ${i} ✓`,
      attachments: [{ filename: `run-${i}.log`, contentType: 'text/plain', data: 'QUJD'.repeat(attachmentBytes / 4) }],
    })),
  };
}

describe('splitRun', () => {
  it('keeps a small run in one delivery, byte for byte JSON of the file', () => {
    const file: ResultsFile = { runId: '337', results: [{ testCaseId: '609', status: 'SUCCESS' }] };
    const d = splitRun(file);
    expect(d).toHaveLength(1);
    expect(JSON.parse(d[0]!.body)).toEqual(file);
    expect(d[0]!.bytes).toBe(Buffer.byteLength(d[0]!.body));
  });

  it('splits a 9 MiB run into 3+ deliveries under 4 MiB with the same runId and fields, losing and repeating nothing', () => {
    const file = bigRun(93, 100 * 1024); // just over 9 MiB
    const total = Buffer.byteLength(JSON.stringify(file));
    expect(total).toBeGreaterThan(9 * MiB);
    const deliveries = splitRun(file);
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    for (const d of deliveries) {
      expect(Buffer.byteLength(d.body)).toBe(d.bytes);
      expect(d.bytes).toBeLessThanOrEqual(4 * MiB);
      const parsed = JSON.parse(d.body) as ResultsFile;
      const { results, ...top } = parsed;
      const { results: _all, ...fileTop } = file;
      expect(top).toEqual(fileTop);
      expect(results.length).toBe(d.count);
      seen.push(...results.map((r) => String(r.testCaseId)));
    }
    expect(seen).toEqual(file.results.map((r) => r.testCaseId));
  });

  it('fills deliveries greedily: no two neighbours would have fit together', () => {
    const deliveries = splitRun(bigRun(50, 300 * 1024));
    for (let i = 0; i + 1 < deliveries.length; i++) {
      const a = deliveries[i]!;
      const b = deliveries[i + 1]!;
      const firstOfB = (JSON.parse(b.body) as ResultsFile).results[0];
      expect(a.bytes + Buffer.byteLength(JSON.stringify(firstOfB)) + 1).toBeGreaterThan(MAX_DELIVERY_BYTES);
    }
  });

  it('honours a custom limit exactly at the boundary', () => {
    const file: ResultsFile = { runId: 'r', results: [1, 2, 3, 4].map((i) => ({ testCaseId: String(i), status: 'SUCCESS' })) };
    const one = Buffer.byteLength(JSON.stringify({ runId: 'r', results: file.results.slice(0, 2) }));
    const d = splitRun(file, one);
    expect(d.map((x) => x.count)).toEqual([2, 2]);
    expect(d.every((x) => x.bytes <= one)).toBe(true);
  });

  it('refuses before sending when one result alone is over the limit, naming it', () => {
    const file = bigRun(3, 8);
    file.results[1]!.attachments![0]!.data = 'A'.repeat(4 * MiB);
    expect(() => splitRun(file)).toThrow(CliError);
    expect(() => splitRun(file)).toThrow(/results\[1\] \(testCaseId 1001\) is 4\.0 MiB on its own/);
  });
});
