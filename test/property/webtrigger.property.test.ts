/**
 * Property: whatever body an executor (or an attacker holding the secret) posts, the web trigger answers with the
 * contract's codes, never a 5xx but its own 503s and never `internal`; a refusal changes no stored key; an accepted
 * delivery's results all show up in the job's counts once the consumer has run.
 */
import fc from 'fast-check';
import { makeWorld } from '../sync/harness';
import type { JobView } from '../../src/shared/types';
import { canonicalDigits } from '../../src/domain/testsigma-id';
import { dateLike, hostileString, idLike, junk, longString, mostly, optional, oversizedString, record } from './arbitraries';

const CASES = 1_000;
/** The contract's own 503s (section 3): the app is not set up yet, or its storage or queue is busy. */
const CONTRACT_503 = new Set(['not_configured', 'rate_limited', 'unavailable']);

const statusWord = fc.oneof(
  fc.constantFrom('SUCCESS', 'FAILURE', 'ABORTED', 'NOT_EXECUTED', 'success', 'Failure', 'PASSED', 'passed'),
  hostileString,
  junk,
);

function resultArb(text: fc.Arbitrary<string>) {
  return record({
    testCaseId: mostly(fc.constantFrom('609', '610', '0609', '611', 609), idLike),
    status: statusWord,
    message: optional(fc.oneof(hostileString, text)),
    startedAt: optional(dateLike),
    finishedAt: optional(dateLike),
    attachments: optional(
      fc.oneof(
        fc.array(record({ filename: mostly(fc.constantFrom('a.png', 'log.txt'), hostileString), contentType: optional(hostileString), data: mostly(fc.constantFrom('aGVsbG8=', ''), hostileString) }), { maxLength: 2 }),
        junk,
      ),
    ),
    extra: optional(junk),
  });
}

/** A delivery the contract accepts (any text in its free-text fields), so the accepted path is well covered. */
function validDeliveryArb(text: fc.Arbitrary<string>) {
  const validDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  return record({
    runId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), fc.nat()),
    summary: fc.option(fc.oneof(hostileString, text), { nil: undefined }),
    startedAt: fc.option(validDate, { nil: undefined }),
    results: fc.array(
      record({
        testCaseId: fc.constantFrom('609', '610', '611', '0609', 612),
        status: fc.constantFrom('SUCCESS', 'FAILURE', 'ABORTED', 'NOT_EXECUTED', 'success'),
        message: fc.option(fc.oneof(hostileString, text), { nil: undefined }),
        finishedAt: fc.option(validDate, { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  });
}

function bodyArb(text: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const delivery = record({
    runId: mostly(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), fc.nat()), fc.oneof(hostileString, idLike, junk)),
    testPlanId: optional(idLike),
    summary: optional(fc.oneof(hostileString, text)),
    startedAt: optional(dateLike),
    finishedAt: optional(dateLike),
    environments: optional(fc.oneof(fc.array(fc.oneof(fc.constantFrom('Chrome', 'staging'), hostileString), { maxLength: 3 }), junk)),
    results: mostly(fc.array(resultArb(text), { minLength: 1, maxLength: 6 }), fc.oneof(fc.constant([]), junk)),
  });
  const pull = record({ testsigmaRunId: idLike });
  return fc.oneof({ arbitrary: validDeliveryArb(text), weight: 4 }, { arbitrary: delivery, weight: 4 }, { arbitrary: pull, weight: 1 }, { arbitrary: junk, weight: 1 });
}

/** The raw text posted: JSON of the body most of the time, sometimes text that is no JSON at all. */
function rawArb(text: fc.Arbitrary<string>) {
  return fc.oneof(
    { arbitrary: bodyArb(text).map((b) => JSON.stringify(b) ?? 'undefined'), weight: 9 },
    { arbitrary: fc.oneof(hostileString, fc.constantFrom('{', '[1,', '{"runId":"1","results":[}', '')), weight: 1 },
  );
}

const contentType: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.constant<string[]>(['application/json']), weight: 8 },
  { arbitrary: fc.constantFrom<string[]>(['application/json; charset=utf-8'], ['text/plain'], [], ['application/json', 'text/html']), weight: 1 },
);

/** Answers seen, by status code, so a run shows that both the refused and the accepted paths were taken. */
const seen = new Map<number, number>();

async function checkBody(raw: string, type: string[]): Promise<void> {
  const w = await makeWorld();
  await w.link('test', 'DEMO-1', ['609']);
  await w.link('test', 'DEMO-2', ['610']);
  const before = w.kvs.snapshot();
  const secretsBefore = w.kvs.secretValues();
  const req = w.post(raw, { 'content-type': type });
  const res = await w.webtrigger(req);
  seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
  const answer = JSON.parse(res.body) as { error?: { code: string; message: string }; jobId?: string };
  if (res.statusCode >= 500) {
    expect({ status: res.statusCode, code: answer.error?.code }).toEqual({ status: 503, code: expect.any(String) });
    expect(CONTRACT_503.has(answer.error!.code)).toBe(true);
  }
  expect(answer.error?.code).not.toBe('internal');
  if (res.statusCode !== 202) {
    expect(answer.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(w.kvs.snapshot()).toEqual(before);
    expect(w.kvs.secretValues()).toEqual(secretsBefore);
    expect(w.queue.pushed).toHaveLength(0);
    return;
  }
  await w.drain(50);
  const job: JobView = await w.jobView(answer.jobId!);
  expect(['succeeded', 'partial', 'failed']).toContain(job.state);
  const parsed = JSON.parse(raw) as { results?: unknown[] };
  if (Array.isArray(parsed.results)) {
    // Counted by test (contract section 3): a case's entries, attempts or one per machine, are one test.
    const cases = new Set(parsed.results.map((r) => canonicalDigits(String((r as { testCaseId: unknown }).testCaseId))));
    expect(job.counts.received).toBe(cases.size);
    expect(job.counts.synced + job.counts.unmapped + job.counts.failed).toBe(job.counts.received);
  }
}

describe('web trigger body (property)', () => {
  test(`${CASES} generated bodies: no 5xx but the contract's 503s, no internal, refusals change nothing, counts add up`, async () => {
    await fc.assert(
      fc.asyncProperty(rawArb(longString), contentType, (raw, type) => checkBody(raw, type)),
      { numRuns: CASES },
    );
    // A generator that only ever reached one branch would make the property vacuous.
    expect(seen.get(202) ?? 0).toBeGreaterThan(CASES / 5);
    expect(seen.get(400) ?? 0).toBeGreaterThan(CASES / 5);
  });

  // Finding 1 of issue 10: one long text field puts a stored row over Forge's 240 KiB value limit and the web
  // trigger answers 500 internal. Unskip once the findings branch (stored rows sized by their encoded bytes) is in.
  test('finding 1: bodies with a 300,000-character message or 60,000 control characters are answered too', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawArb(longString),
        oversizedString,
        fc.constantFrom('message', 'summary'),
        (raw, text, field) => {
          // The generated body with one of its text fields replaced by the oversized one, where it has results.
          let body: unknown;
          try {
            body = JSON.parse(raw);
          } catch {
            return checkBody(raw, ['application/json']);
          }
          if (body && typeof body === 'object' && Array.isArray((body as { results?: unknown }).results)) {
            const b = body as { summary?: string; results: Array<Record<string, unknown>> };
            if (field === 'summary') b.summary = text;
            else if (b.results[0] && typeof b.results[0] === 'object') b.results[0].message = text;
          }
          return checkBody(JSON.stringify(body), ['application/json']);
        },
      ),
      { numRuns: 50 },
    );
  });
});
