import { createHmac } from 'node:crypto';
import { makeWorld, delivery, SECRETS } from '../sync/harness';
import type { JobView } from '../../src/shared/types';
import type { KvsPort } from '../../src/store/kvs-port';

const ok = delivery('337', [{ testCaseId: '609', status: 'SUCCESS' }]);

function parse(res: { body: string }) {
  return JSON.parse(res.body) as { error?: { code: string; message: string; details?: Array<{ path: string; message: string }> }; jobId?: string; state?: string };
}

describe('web trigger: contract section 3 response table', () => {
  test('503 not_configured while no secret exists, for any request, and nothing is written', async () => {
    const w = await makeWorld({ secrets: { webtrigger: undefined } });
    const before = w.kvs.snapshot();
    for (const req of [w.post(ok), { method: 'GET', headers: {}, queryParameters: { job: ['x'] } }, { method: 'PUT', headers: {} }]) {
      const res = await w.webtrigger(req);
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toEqual(['application/json']);
      expect(parse(res).error!.code).toBe('not_configured');
    }
    expect(w.kvs.snapshot()).toEqual(before);
    expect(w.queue.pushed).toHaveLength(0);
  });

  test('401 for a missing, wrong, stale or future signature and a bad Bearer, all with the same answer', async () => {
    const w = await makeWorld();
    const body = JSON.stringify(ok);
    const now = w.clock.now();
    const t = Math.floor(now / 1000);
    const wrongMac = `t=${t},v1=${createHmac('sha256', 'not-the-secret').update(`${t}.${body}`).digest('hex')}`;
    const cases: Array<Record<string, string[]>> = [
      {},
      { 'x-signature': [wrongMac] },
      { 'x-signature': [w.sign(body, now - 301_000)] },
      { 'x-signature': [w.sign(body, now + 301_000)] },
      { 'x-signature': [w.sign('{"other":1}')] },
      { 'x-signature': ['garbage'] },
      { authorization: ['Bearer nope'] },
      { authorization: [`Basic ${SECRETS.webtrigger}`] },
      { authorization: [`Bearer ${SECRETS.webtrigger}x`] },
    ];
    const before = w.kvs.snapshot();
    const messages = new Set<string>();
    for (const headers of cases) {
      const res = await w.webtrigger({ method: 'POST', body, headers: { 'content-type': ['application/json'], ...headers } });
      expect(res.statusCode).toBe(401);
      expect(parse(res).error!.code).toBe('unauthorized');
      messages.add(parse(res).error!.message);
    }
    expect(messages.size).toBe(1);
    expect(w.kvs.snapshot()).toEqual(before);
    expect(w.queue.pushed).toHaveLength(0);
  });

  test('a signature within 300 s and a Bearer secret both pass', async () => {
    const w = await makeWorld();
    const body = JSON.stringify(ok);
    const signed = await w.webtrigger({ method: 'POST', body, headers: { 'content-type': ['application/json'], 'x-signature': [w.sign(body, w.clock.now() - 299_000)] } });
    expect(signed.statusCode).toBe(202);
    const bearer = await w.webtrigger({ method: 'POST', body, headers: { 'content-type': ['application/json'], authorization: [`Bearer ${SECRETS.webtrigger}`] } });
    expect(bearer.statusCode).toBe(202);
  });

  test('405 for other methods (after authentication)', async () => {
    const w = await makeWorld();
    const res = await w.webtrigger({ method: 'PUT', body: '', headers: { authorization: [`Bearer ${SECRETS.webtrigger}`] } });
    expect(res.statusCode).toBe(405);
    expect(parse(res).error!.code).toBe('method_not_allowed');
    const unauth = await w.webtrigger({ method: 'DELETE', body: '', headers: {} });
    expect(unauth.statusCode).toBe(401);
  });

  test('413 above 4 MiB, before the content type is looked at', async () => {
    const w = await makeWorld();
    const big = JSON.stringify(delivery('1', [{ testCaseId: '1', status: 'SUCCESS', message: 'x'.repeat(4 * 1024 * 1024) }]));
    const res = await w.webtrigger({ method: 'POST', body: big, headers: { 'content-type': ['text/plain'], 'x-signature': [w.sign(big)] } });
    expect(res.statusCode).toBe(413);
    expect(parse(res).error!.code).toBe('payload_too_large');
    expect(w.kvs.keys().some((k) => k.startsWith('job'))).toBe(false);
  });

  test('415 for a POST that is not application/json; parameters are accepted', async () => {
    const w = await makeWorld();
    const body = JSON.stringify(ok);
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const res = await w.webtrigger({ method: 'POST', body, headers: { 'x-signature': [w.sign(body)], ...(type ? { 'content-type': [type] } : {}) } });
      expect(res.statusCode).toBe(415);
      expect(parse(res).error!.code).toBe('unsupported_media_type');
    }
    const res = await w.webtrigger({ method: 'POST', body, headers: { 'x-signature': [w.sign(body)], 'content-type': ['application/json; charset=utf-8'] } });
    expect(res.statusCode).toBe(202);
    const upper = await w.webtrigger({ method: 'POST', body, headers: { 'x-signature': [w.sign(body)], 'content-type': ['Application/JSON ; charset=UTF-8'] } });
    expect(upper.statusCode).toBe(202);
  });

  test('400 for a body that is not JSON', async () => {
    const w = await makeWorld();
    const res = await w.webtrigger(w.post('{"runId": "1", results: ['));
    expect(res.statusCode).toBe(400);
    expect(parse(res).error!.code).toBe('invalid_payload');
  });

  test('400 names the path of every schema violation, statuses checked against the status map', async () => {
    const w = await makeWorld();
    const before = w.kvs.snapshot();
    const res = await w.webtrigger(
      w.post({
        runId: 'bad id with spaces',
        results: [
          { testCaseId: '1', status: 'SUCCESS' },
          { testCaseId: 'abc', status: 'passed' },
          { testCaseId: '3' },
          { testCaseId: '4', status: 'BLOCKED' },
          { testCaseId: 5, status: 'failure', startedAt: 'yesterday' },
        ],
      }),
    );
    expect(res.statusCode).toBe(400);
    const err = parse(res).error!;
    expect(err.code).toBe('invalid_payload');
    const paths = err.details!.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['runId', 'results[1].testCaseId', 'results[2].status', 'results[3].status', 'results[4].startedAt']));
    expect(paths).not.toContain('results[0].status');
    expect(paths).not.toContain('results[1].status');
    expect(err.details!.find((d) => d.path === 'results[3].status')!.message).toMatch(/BLOCKED.*status map/);
    expect(w.kvs.snapshot()).toEqual(before);
    expect(w.queue.pushed).toHaveLength(0);
  });

  test('400 for an empty results list, a missing runId and a non-object body', async () => {
    const w = await makeWorld();
    for (const [body, path] of [
      [{ runId: '1', results: [] }, 'results'],
      [{ results: [{ testCaseId: '1', status: 'SUCCESS' }] }, 'runId'],
      [[1, 2], '(top level)'],
      [{ testsigmaRunId: 'abc' }, 'testsigmaRunId'],
    ] as const) {
      const res = await w.webtrigger(w.post(body));
      expect(res.statusCode).toBe(400);
      expect(parse(res).error!.details!.map((d) => d.path)).toContain(path);
    }
  });

  test('an admin-added status word (BLOCKED) is accepted in any case', async () => {
    const w = await makeWorld({ settings: { statusOverrides: { BLOCKED: 'ABORTED' } } });
    const res = await w.webtrigger(w.post(delivery('9', [{ testCaseId: '1', status: 'blocked' }])));
    expect(res.statusCode).toBe(202);
  });

  test('503 not_configured for a valid POST while the Xray credentials are missing, after the 400 check', async () => {
    const w = await makeWorld({ secrets: { xray: undefined } });
    const bad = await w.webtrigger(w.post({ runId: '1', results: [] }));
    expect(bad.statusCode).toBe(400);
    const res = await w.webtrigger(w.post(ok));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('not_configured');
    const noId = await makeWorld({ settings: { xray: { region: 'global', clientId: '', requestsPer5Minutes: 300 } } });
    expect((await noId.webtrigger(noId.post(ok))).statusCode).toBe(503);
    expect(w.queue.pushed).toHaveLength(0);
  });

  test('503 not_configured in pull mode without a Testsigma key; push mode still works', async () => {
    const w = await makeWorld({ secrets: { testsigma: undefined } });
    const res = await w.webtrigger(w.post({ testsigmaRunId: '337' }));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('not_configured');
    expect(parse(res).error!.message).toMatch(/Testsigma API key/);
    expect((await w.webtrigger(w.post(ok))).statusCode).toBe(202);
  });

  test('202 stores the job and pushes one small event keyed by the run for serialisation', async () => {
    const w = await makeWorld();
    const res = await w.webtrigger(w.post(delivery('RUN-7', [{ testCaseId: '1', status: 'SUCCESS' }, { testCaseId: 2, status: 'failure' }], { testPlanId: 274 })));
    expect(res.statusCode).toBe(202);
    const body = parse(res);
    expect(body).toEqual({ jobId: expect.any(String), state: 'queued' });
    expect(w.queue.pushed).toHaveLength(1);
    const ev = w.queue.pushed[0]!;
    expect(ev.body).toEqual({ jobId: body.jobId });
    expect(ev.concurrency).toEqual({ key: expect.stringMatching(/^run-[0-9a-f]{16}$/), limit: 1 });
    expect(Buffer.byteLength(JSON.stringify(ev))).toBeLessThan(1000);
    const view = await w.jobView(body.jobId!);
    expect(view).toMatchObject({ jobId: body.jobId, runId: 'RUN-7', state: 'queued', counts: { received: 2, synced: 0, unmapped: 0, failed: 0 }, attempts: 0 });
    // Two deliveries of one run share the key; another run does not.
    await w.deliver(delivery('RUN-7', [{ testCaseId: '1', status: 'SUCCESS' }]));
    await w.deliver(delivery('run-7', [{ testCaseId: '1', status: 'SUCCESS' }]));
    expect(w.queue.pushed[1]!.concurrency!.key).toBe(ev.concurrency!.key);
    expect(w.queue.pushed[2]!.concurrency!.key).not.toBe(ev.concurrency!.key);
  });

  test('GET ?job= answers 200 with the JobView, 404 for an unknown job; an HMAC covers the empty body', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(ok);
    const res = await w.webtrigger(w.getJob(jobId));
    expect(res.statusCode).toBe(200);
    const view = JSON.parse(res.body) as JobView;
    expect(Object.keys(view).sort()).toEqual(['attempts', 'counts', 'createdAt', 'errors', 'jobId', 'runId', 'state', 'unmapped', 'updatedAt'].sort());
    const missing = await w.webtrigger(w.getJob('zzzzzzzzz00000000'));
    expect(missing.statusCode).toBe(404);
    expect(parse(missing).error!.code).toBe('not_found');
    const odd = await w.webtrigger(w.getJob('../../etc'));
    expect(odd.statusCode).toBe(404);
    // A signature over a non-empty body does not authenticate a GET.
    const wrong = await w.webtrigger({ method: 'GET', body: '', headers: { 'x-signature': [w.sign('x')] }, queryParameters: { job: [jobId] } });
    expect(wrong.statusCode).toBe(401);
  });

  test('GET ?job= works without Xray credentials (only the secret is needed)', async () => {
    const w = await makeWorld({ secrets: { xray: undefined } });
    const res = await w.webtrigger(w.getJob('zzzzzzzzz00000000'));
    expect(res.statusCode).toBe(404);
  });

  test('503 busy with Retry-After when storage throttles, and nothing that would run is left', async () => {
    const w = await makeWorld();
    w.kvs.throttle(1);
    const res = await w.webtrigger(w.post(ok));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('busy');
    expect(Number(res.headers['retry-after']![0])).toBeGreaterThan(0);
    expect(w.queue.pushed).toHaveLength(0);
    expect(w.kvs.keys().filter((k) => k.startsWith('job:'))).toEqual([]);
  });

  test('503 busy when storage throttles the job write itself: nothing half-written stays', async () => {
    const w = await makeWorld();
    // The batch stores the delivery's data and its plan index, then refuses the job record as throttled: a real
    // half-write that the web trigger must take back.
    const port: KvsPort = w.kvs;
    const real = port.batchSet.bind(port);
    const written: string[] = [];
    port.batchSet = async (items) => {
      const kept = items.filter((i) => !i.key.startsWith('job:'));
      const refused = items.filter((i) => i.key.startsWith('job:'));
      await real(kept);
      written.push(...kept.map((i) => i.key));
      return {
        successfulKeys: kept.map((i) => ({ key: i.key })),
        failedKeys: refused.map((i) => ({ key: i.key, error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests to storage' } })),
      };
    };
    const res = await w.webtrigger(w.post(delivery('5', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '9' })));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('busy');
    expect(res.headers['retry-after']).toEqual(['30']);
    expect(written.some((k) => k.startsWith('jobdata:'))).toBe(true);
    expect(written.some((k) => k.startsWith('planrun:'))).toBe(true);
    expect(w.kvs.keys().filter((k) => k.startsWith('job') || k.startsWith('planrun'))).toEqual([]);
    expect(w.queue.pushed).toHaveLength(0);
  });

  test('503 busy when the queue refuses the push; the job is withdrawn', async () => {
    const w = await makeWorld();
    w.queue.failNext = 1;
    const res = await w.webtrigger(w.post(delivery('5', [{ testCaseId: '1', status: 'SUCCESS' }], { testPlanId: '9' })));
    expect(res.statusCode).toBe(503);
    expect(parse(res).error!.code).toBe('busy');
    expect(res.headers['retry-after']).toEqual(['60']);
    expect(w.kvs.keys().filter((k) => k.startsWith('job') || k.startsWith('planrun'))).toEqual([]);
  });

  test('no secret appears in any answer or log line', async () => {
    const w = await makeWorld();
    const answers: string[] = [];
    const jobId = await w.deliver(ok);
    for (const req of [w.post(ok), w.getJob(jobId), w.post({ runId: '1', results: [] }), { method: 'POST', body: '{}', headers: { authorization: [`Bearer ${SECRETS.webtrigger}`] } }]) {
      const res = await w.webtrigger(req);
      answers.push(JSON.stringify(res));
    }
    const all = [...answers, ...w.log.lines, JSON.stringify(w.kvs.snapshot())].join('\n');
    for (const s of Object.values(SECRETS)) expect(all).not.toContain(s);
  });

  test('attachments are dropped at intake when evidence is off, capped when on', async () => {
    const small = Buffer.from('hello').toString('base64');
    const off = await makeWorld();
    const id = await off.deliver(delivery('1', [{ testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: 'a.txt', data: small }] }]));
    expect(off.kvs.keys().filter((k) => k.startsWith('jobatt:'))).toEqual([]);
    expect((await off.jobView(id)).errors).toEqual([]);

    const on = await makeWorld({ settings: { attachEvidence: true } });
    const mib = (n: number) => Buffer.alloc(Math.floor(n * 1024 * 1024), 1).toString('base64');
    // A 4 MiB body holds at most 3 MiB decoded, so only the per-file cap can bite here (the per-delivery one is
    // tested on the domain function).
    const jobId = await on.deliver(
      delivery('2', [
        { testCaseId: '1', status: 'SUCCESS', attachments: [{ filename: 'huge.bin', data: mib(2.1) }] },
        { testCaseId: '2', status: 'SUCCESS', attachments: [{ filename: 'ok.bin', data: mib(0.5) }] },
      ]),
    );
    const view = await on.jobView(jobId);
    expect(view.errors).toHaveLength(1);
    expect(view.errors[0]).toMatch(/huge\.bin.*over 2 MiB/);
    expect(on.kvs.keys().filter((k) => k.startsWith('jobatt:')).length).toBeGreaterThan(1);
  });
});

describe('web trigger: GET ?job= signatures cover the empty body', () => {
  test('a GET signed over "<t>." passes even when the platform hands over a body; one signed over that body does not', async () => {
    const w = await makeWorld();
    const jobId = await w.deliver(ok);
    const overEmpty = await w.webtrigger({ method: 'GET', body: 'ignored', headers: { 'x-signature': [w.sign('')] }, queryParameters: { job: [jobId] } });
    expect(overEmpty.statusCode).toBe(200);
    const overBody = await w.webtrigger({ method: 'GET', body: 'ignored', headers: { 'x-signature': [w.sign('ignored')] }, queryParameters: { job: [jobId] } });
    expect(overBody.statusCode).toBe(401);
  });
});

describe('web trigger: order of checks and the schema bounds of contract section 3', () => {
  test('authentication comes before 405, 413, 415 and 400; 405 comes before 413', async () => {
    const w = await makeWorld();
    const big = 'x'.repeat(4 * 1024 * 1024 + 1);
    const unsigned = [
      { method: 'PATCH', body: '', headers: {} },
      { method: 'POST', body: big, headers: { 'content-type': ['application/json'] } },
      { method: 'POST', body: '{}', headers: { 'content-type': ['text/plain'] } },
      { method: 'POST', body: 'not json', headers: { 'content-type': ['application/json'] } },
    ];
    for (const req of unsigned) expect((await w.webtrigger(req)).statusCode).toBe(401);
    const bearer = { authorization: [`Bearer ${SECRETS.webtrigger}`] };
    expect((await w.webtrigger({ method: 'PUT', body: big, headers: bearer })).statusCode).toBe(405);
    expect((await w.webtrigger({ method: 'POST', body: 'not json', headers: { ...bearer, 'content-type': ['text/plain'] } })).statusCode).toBe(415);
  });

  test('runId: 1 to 64 of [A-Za-z0-9._-] or a safe integer; testCaseId: 1 to 19 digits or a safe integer', async () => {
    const w = await makeWorld();
    const one = (runId: unknown, testCaseId: unknown) => w.webtrigger(w.post({ runId, results: [{ testCaseId, status: 'SUCCESS' }] }));
    for (const [runId, testCaseId] of [
      ['a'.repeat(64), '1'],
      ['Build_1.4-rc.2', '1'],
      [337, '1'],
      [Number.MAX_SAFE_INTEGER, '1'],
      ['1', '1234567890123456789'],
      ['1', Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect({ runId, testCaseId, status: (await one(runId, testCaseId)).statusCode }).toEqual({ runId, testCaseId, status: 202 });
    }
    for (const [runId, testCaseId, path] of [
      ['a'.repeat(65), '1', 'runId'],
      ['', '1', 'runId'],
      ['run/1', '1', 'runId'],
      [2 ** 53, '1', 'runId'],
      [1.5, '1', 'runId'],
      ['1', '12345678901234567890', 'results[0].testCaseId'],
      ['1', '', 'results[0].testCaseId'],
      ['1', 'TS-1', 'results[0].testCaseId'],
      ['1', 2 ** 53, 'results[0].testCaseId'],
    ] as const) {
      const res = await one(runId, testCaseId);
      expect({ runId, testCaseId, status: res.statusCode }).toEqual({ runId, testCaseId, status: 400 });
      expect(parse(res).error!.details!.map((d) => d.path)).toContain(path);
    }
  });

  test('unknown fields are ignored and every status word of both vocabularies is accepted in any case', async () => {
    const w = await makeWorld();
    const words = ['SUCCESS', 'FAILURE', 'ABORTED', 'STOPPED', 'NOT_EXECUTED', 'QUEUED', 'PRE_REQUISITE_FAILED', 'RUNNING', 'PASSED', 'FAILED', 'TODO', 'EXECUTING'];
    const results = words.flatMap((s, i) => [
      { testCaseId: String(i + 1), status: s, extra: { nested: true } },
      { testCaseId: String(i + 100), status: s.toLowerCase() },
    ]);
    const res = await w.webtrigger(w.post({ runId: 'r1', pipeline: 'ci', results }));
    expect(res.statusCode).toBe(202);
  });

  test('header names in any case, and a lower-case method, are understood', async () => {
    const w = await makeWorld();
    const body = JSON.stringify(ok);
    const res = await w.webtrigger({ method: 'post', body, headers: { 'Content-Type': ['application/json'], 'X-Signature': [w.sign(body)] } });
    expect(res.statusCode).toBe(202);
  });
});
