import { XRAY_BASE_URLS, XrayError } from '../../src/xray/xray-types';
import type { XrayImportJson, XrayMultipartInfo } from '../../src/xray/xray-types';
import { tokenKey, TOKEN_TRUST_MS } from '../../src/xray/token-cache';
import { FIXTURE_CREDENTIALS, FIXTURE_TOKEN, fixture, setup } from './fake-xray';

const SECRET = FIXTURE_CREDENTIALS.client_secret;

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<XrayError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(XrayError);
    const e = err as XrayError;
    // Every error of every test: no secret, no token, in the message or the stack.
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(FIXTURE_TOKEN);
    expect(e.stack ?? '').not.toContain(SECRET);
    return e;
  }
  throw new Error('expected a rejection');
}

const READ = { idempotent: true } as const;
const CREATE = { idempotent: false } as const;

describe('regions', () => {
  it.each(Object.entries(XRAY_BASE_URLS))('%s calls its own host', async (region, base) => {
    const t = setup({ region: region as keyof typeof XRAY_BASE_URLS });
    await t.client().graphql('{ x }', {}, READ);
    expect(t.xray.sent.map((s) => s.url)).toEqual([`${base}/api/v2/authenticate`, `${base}/api/v2/graphql`]);
  });

  it('turns the wrong-region 401 into an actionable wrong_region error', async () => {
    const t = setup({ region: 'eu' });
    t.xray.script('graphql', { status: 401, body: fixture('error.401.wrong-region.json') });
    const e = await failure(t.client().graphql('{ x }', {}, READ));
    expect(e.kind).toBe('wrong_region');
    expect(e.message).toBe(
      "Failed to reach Xray: the API key's data is in another region than EU. Set the region where your Xray data is kept (US, EU, AU or Global) in Settings.",
    );
    // No re-authentication: the answer already says what is wrong.
    expect(t.xray.calls('authenticate')).toHaveLength(1);
    expect(t.xray.calls('graphql')).toHaveLength(1);
  });

  it('says wrong_region when authenticate itself answers so', async () => {
    const t = setup({ region: 'au' });
    t.xray.script('authenticate', { status: 401, body: fixture('error.401.wrong-region.json') });
    const e = await failure(t.client().authenticate());
    expect(e.kind).toBe('wrong_region');
    expect(e.message).toContain('another region than AU');
  });

  it('hints at the region on the CloudFront 503 page and does not spend retries on it', async () => {
    const t = setup({ region: 'us' });
    t.xray.script('authenticate', {
      status: 503,
      body: fixture('error.503.wrong-region-cloudfront.txt'),
      headers: { 'content-type': 'text/html' },
    });
    const e = await failure(t.client().authenticate());
    expect(e.kind).toBe('server');
    expect(e.message).toMatch(/US host answered 503 with a CloudFront error page/);
    expect(e.message).toMatch(/region in Settings \(US, EU, AU or Global\)/);
    expect(e.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(t.xray.calls('authenticate')).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });
});

describe('credentials and token', () => {
  it('refuses bad credentials with advice, without retrying', async () => {
    const t = setup();
    t.xray.script('authenticate', { status: 401, body: fixture('authenticate.error.401.invalid-credentials.json') });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e.kind).toBe('auth');
    expect(e.message).toBe(
      'Xray refused the client id and secret. Create an API key in Xray (Settings > API Keys) and enter it in Settings.',
    );
    expect(t.xray.calls('authenticate')).toHaveLength(1);
    expect(t.xray.calls('import/execution')).toHaveLength(0);
  });

  it('sends the client id and secret as Xray documents, and the quoted JWT back as a bearer token', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    const [auth, gql] = t.xray.sent;
    expect(JSON.parse(auth!.bodyText)).toEqual(JSON.parse(fixture('authenticate.request.json')));
    expect(auth!.init.headers?.['Content-Type']).toBe('application/json');
    expect(auth!.init.headers?.Authorization).toBeUndefined();
    expect(gql!.init.headers?.Authorization).toBe(`Bearer ${FIXTURE_TOKEN}`);
  });

  it('keeps the token as a KVS secret shared by later clients, which do not authenticate again', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    await t.client().graphql('{ y }', {}, READ);
    await t.client().importExecution({ tests: [] }, READ);
    expect(t.xray.calls('authenticate')).toHaveLength(1);
    expect(t.kvs.secretValues()).toEqual([{ token: FIXTURE_TOKEN, expiresAt: t.clock.now() + TOKEN_TRUST_MS }]);
    // Not in queryable storage, and the key names neither the secret nor the client id in clear.
    expect(JSON.stringify(t.kvs.snapshot())).not.toContain(FIXTURE_TOKEN);
    const key = tokenKey('global', FIXTURE_CREDENTIALS.client_id, FIXTURE_CREDENTIALS.client_secret);
    expect(key).toMatch(/^xray:token:v2:global:[0-9a-f]{32}$/);
    expect(key).not.toContain(FIXTURE_CREDENTIALS.client_id);
  });

  it('does not serve the token of another API key or region', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    await t.client({ clientId: 'ANOTHERCLIENTID0000000000000000' }).graphql('{ x }', {}, READ);
    await t.client({ region: 'eu' }).graphql('{ x }', {}, READ);
    expect(t.xray.calls('authenticate')).toHaveLength(3);
  });

  it('renews the token when it is close to expiry, not before', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ);
    t.clock.advance(22 * 3_600_000);
    await t.client().graphql('{ x }', {}, READ);
    expect(t.xray.calls('authenticate')).toHaveLength(1);
    t.clock.advance(TOKEN_TRUST_MS - 22 * 3_600_000 - 10 * 60_000); // 10 minutes before our expiry
    await t.client().graphql('{ x }', {}, READ);
    expect(t.xray.calls('authenticate')).toHaveLength(2);
  });

  it('drops a refused token, authenticates once more and retries once', async () => {
    const t = setup();
    await t.client().graphql('{ x }', {}, READ); // caches the token
    t.xray.script('graphql', { status: 401, body: '{"error":"Unauthorized"}' });
    t.xray.script('authenticate', { status: 200, body: JSON.stringify('new.token.value') });
    const c = t.client();
    await expect(c.graphql('{ x }', {}, READ)).resolves.toEqual({ ok: true });
    expect(t.xray.calls('authenticate')).toHaveLength(2);
    const last = t.xray.calls('graphql').at(-1)!;
    expect(last.init.headers?.Authorization).toBe('Bearer new.token.value');
    expect(t.kvs.secretValues()).toEqual([expect.objectContaining({ token: 'new.token.value' })]);
    expect(c.stats.retries).toBe(0);
  });

  it('gives up after the one re-authentication when Xray still refuses', async () => {
    const t = setup();
    t.xray.script('graphql', { status: 401, body: '{"error":"Unauthorized"}' }, { status: 401, body: '{"error":"Unauthorized"}' });
    const e = await failure(t.client().graphql('{ x }', {}, READ));
    expect(e.kind).toBe('auth');
    expect(t.xray.calls('authenticate')).toHaveLength(2);
    expect(t.xray.calls('graphql')).toHaveLength(2);
  });

  it('checks the credentials with one request, or none while a cached token is good', async () => {
    const t = setup();
    const seen: string[] = [];
    await t.client({}, { onRequest: (e) => seen.push(e) }).authenticate();
    await t.client({}, { onRequest: (e) => seen.push(e) }).authenticate();
    expect(seen).toEqual(['authenticate']);
  });

  it('answers not_configured without touching Xray or KVS when the API key is missing', async () => {
    const t = setup({ clientSecret: '' });
    const e = await failure(t.client().graphql('{ x }', {}, READ));
    expect(e.kind).toBe('not_configured');
    expect(t.xray.sent).toHaveLength(0);
    expect(t.kvs.totalCalls).toBe(0);
  });
});

describe('retries', () => {
  it('backs off from 429s with growing full-jitter delays, then succeeds', async () => {
    const t = setup({}, { random: () => 0.999 });
    t.xray.script('graphql', { status: 429, body: '' }, { status: 429, body: '' });
    const c = t.client();
    await expect(c.graphql('{ x }', {}, READ)).resolves.toEqual({ ok: true });
    expect(t.sleeps).toEqual([999, 1998]);
    expect(c.stats).toMatchObject({ requests: 4, retries: 2, byEndpoint: { authenticate: 1, graphql: 3 } });
  });

  it('keeps every wait under the cap', async () => {
    const t = setup({}, { random: () => 0.999, retry: { maxAttempts: 9 } });
    t.xray.setDefault('graphql', { status: 429, body: '' });
    const e = await failure(t.client().graphql('{ x }', {}, READ));
    expect(t.sleeps).toHaveLength(8);
    for (let i = 1; i < t.sleeps.length; i++) expect(t.sleeps[i]!).toBeGreaterThanOrEqual(t.sleeps[i - 1]!);
    expect(Math.max(...t.sleeps)).toBeLessThanOrEqual(30_000);
    expect(t.sleeps.at(-1)).toBe(29_970);
    expect(e.kind).toBe('rate_limited');
  });

  it('retries a create after a 429: Xray did not take it', async () => {
    const t = setup();
    t.xray.script('import/execution', { status: 429, body: '' });
    await expect(t.client().importExecution({ tests: [] }, CREATE)).resolves.toEqual({ id: '10200', key: 'XNP-24' });
    expect(t.xray.calls('import/execution')).toHaveLength(2);
  });

  it('honours a Retry-After header when one comes', async () => {
    const t = setup();
    t.xray.script('graphql', { status: 429, body: '', headers: { 'Retry-After': '3' } });
    await t.client().graphql('{ x }', {}, READ);
    expect(t.sleeps).toEqual([3000]);
  });

  it('throws rate_limited with retryAfterSeconds when the attempts run out', async () => {
    const t = setup();
    t.xray.setDefault('graphql', { status: 429, body: '' });
    const e = await failure(t.client().graphql('{ x }', {}, READ));
    expect(e.kind).toBe('rate_limited');
    expect(e.details.retryAfterSeconds).toBeGreaterThanOrEqual(60);
    expect(e.details.ambiguous).toBeUndefined();
    expect(t.xray.calls('graphql')).toHaveLength(4);
    expect(e.message).toMatch(/HTTP 429.*4 attempts.*Try again in \d+ seconds/);
  });

  it('retries a 500 on an idempotent call', async () => {
    const t = setup();
    t.xray.script('import/execution', { status: 500, body: '{"error":"Internal error"}' });
    await expect(t.client().importExecution({ testExecutionKey: 'XCN-6', tests: [] }, READ)).resolves.toEqual({
      id: '10200',
      key: 'XNP-24',
    });
    expect(t.xray.calls('import/execution')).toHaveLength(2);
  });

  it('does not send a create again after a 500: the error is ambiguous', async () => {
    const t = setup();
    t.xray.script('import/execution', { status: 502, body: '<html>Bad gateway</html>' });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e.kind).toBe('server');
    expect(e.details).toMatchObject({ status: 502, ambiguous: true });
    expect(e.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(e.message).toMatch(/may or may not have created the Test Execution/);
    expect(t.xray.calls('import/execution')).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('does not send a create again after a timeout', async () => {
    const t = setup({}, { timeoutMs: 30 });
    t.xray.script('import/execution/multipart', { hang: true });
    const info = JSON.parse(fixture('import-execution-multipart.info.json')) as XrayMultipartInfo;
    const e = await failure(t.client().importExecutionMultipart({ tests: [] }, info, CREATE));
    expect(e.kind).toBe('network');
    expect(e.details.ambiguous).toBe(true);
    expect(e.message).toMatch(/did not answer the results import/);
    expect(t.xray.calls('import/execution/multipart')).toHaveLength(1);
  });

  it('times out even when the fetch ignores the abort signal', async () => {
    const t = setup({}, { timeoutMs: 30 });
    t.xray.script('graphql', { hang: true });
    const fetchIgnoringSignal: typeof t.xray.fetch = (url, init) => t.xray.fetch(url, { ...init, signal: undefined });
    const e = await failure(t.client({}, { fetch: fetchIgnoringSignal }).graphql('mutation { x }', {}, CREATE));
    expect(e).toMatchObject({ kind: 'network', details: { ambiguous: true } });
    expect(t.xray.calls('graphql')).toHaveLength(1);
  });

  it('retries a create whose connection was refused, but not one whose connection was reset', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const t = setup();
    t.xray.script('import/execution', { throws: refused });
    await expect(t.client().importExecution({ tests: [] }, CREATE)).resolves.toMatchObject({ key: 'XNP-24' });
    expect(t.xray.calls('import/execution')).toHaveLength(2);

    t.xray.script('import/execution', { throws: reset });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e).toMatchObject({ kind: 'network', details: { ambiguous: true } });
    expect(t.xray.calls('import/execution')).toHaveLength(3);
  });

  it('never starts a wait that ends after the deadline', async () => {
    const t = setup({}, { random: () => 0.999 });
    t.xray.setDefault('graphql', { status: 503, body: '' });
    const deadline = t.clock.now() + 1500;
    const e = await failure(t.client().graphql('{ x }', {}, { idempotent: true, deadline }));
    expect(t.sleeps).toEqual([999]); // the next one (1998 ms) would end after the deadline
    expect(t.clock.now()).toBeLessThanOrEqual(deadline);
    expect(e.kind).toBe('server');
    expect(e.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(t.xray.calls('graphql')).toHaveLength(2);
  });
});

describe('imports', () => {
  it('posts Xray JSON and reads the Test Execution from the fixture answer', async () => {
    const t = setup();
    const body = JSON.parse(fixture('import-execution.request.with-plan.json')) as XrayImportJson;
    await expect(t.client().importExecution(body, CREATE)).resolves.toEqual({ id: '10200', key: 'XNP-24' });
    const sent = t.xray.calls('import/execution')[0]!;
    expect(sent.url).toBe('https://xray.cloud.getxray.app/api/v2/import/execution');
    expect(sent.init.method).toBe('POST');
    expect(JSON.parse(sent.bodyText)).toEqual(body);
  });

  it.each([
    ['import-execution.error.400.missing-project.json', 'Must provide a project key'],
    ['import-execution.error.400.no-valid-tests.json', 'There are no valid tests imported'],
    [
      'import-execution.error.400.unknown-test-environment.json',
      "Error importing results: the following environments don't exist or are not in the context of test execution project: 'dev'!",
    ],
  ])('turns the 400 %s into bad_request with Xray’s words', async (file, words) => {
    const t = setup();
    t.xray.script('import/execution', { status: 400, body: fixture(file) });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e).toMatchObject({ kind: 'bad_request', message: `Xray refused the results: ${words}`, details: { status: 400 } });
    expect(e.retryable).toBe(false);
    expect(t.xray.calls('import/execution')).toHaveLength(1);
  });

  it('says what to do about a 413', async () => {
    const t = setup();
    t.xray.script('import/execution', { status: 413, body: '<html>Request Entity Too Large</html>' });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e.kind).toBe('bad_request');
    expect(e.message).toMatch(/too large.*smaller attachments/);
  });

  it('sends the multipart parts results and info as JSON files that parse back', async () => {
    const t = setup();
    const results = JSON.parse(fixture('import-execution-multipart.results.json')) as XrayImportJson;
    const info = JSON.parse(fixture('import-execution-multipart.info.with-xrayFields.json')) as XrayMultipartInfo;
    await expect(t.client().importExecutionMultipart(results, info, CREATE)).resolves.toEqual({
      id: '10200',
      key: 'XNP-24',
    });
    const sent = t.xray.calls('import/execution/multipart')[0]!;
    expect(sent.url).toBe('https://xray.cloud.getxray.app/api/v2/import/execution/multipart');
    expect(sent.init.body).toBeInstanceOf(Uint8Array);
    const contentType = sent.init.headers?.['Content-Type'] ?? '';
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(sent.init.body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
    const r = form.get('results') as File;
    const i = form.get('info') as File;
    expect(r.name).toBe('results.json');
    expect(i.name).toBe('info.json');
    expect(r.type).toBe('application/json');
    expect(JSON.parse(await r.text())).toEqual(results);
    expect(JSON.parse(await i.text())).toEqual(info);
  });

  it.each([
    ['import-execution-multipart.error.400.invalid-issuetype.json', 'issuetype: The issue type selected is invalid.'],
    ['import-execution-multipart.error.400.invalid-xrayFields.json', 'invalid fields: testEnvironments!'],
    ['import-execution-multipart.error.400.project-required.json', 'project is required'],
  ])('turns the multipart 400 %s into bad_request', async (file, words) => {
    const t = setup();
    t.xray.script('import/execution/multipart', { status: 400, body: fixture(file) });
    const info = JSON.parse(fixture('import-execution-multipart.info.json')) as XrayMultipartInfo;
    const e = await failure(t.client().importExecutionMultipart({ tests: [] }, info, CREATE));
    expect(e.kind).toBe('bad_request');
    expect(e.message.startsWith('Xray refused the results: ')).toBe(true);
    expect(e.message).toContain(words);
  });

  it('reports an unreadable 2xx import answer as ambiguous for a create', async () => {
    const t = setup();
    t.xray.script('import/execution', { status: 200, body: '{}' });
    const e = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e.details.ambiguous).toBe(true);
  });
});

describe('GraphQL', () => {
  it('posts query and variables and answers data', async () => {
    const t = setup();
    t.xray.script('graphql', { status: 200, body: fixture('graphql.getTestPlan.response.json') });
    const data = await t.client().graphql<{ getTestPlan: { jira: { key: string } } }>(
      'query($id: String) { getTestPlan(issueId: $id) { issueId jira(fields: ["key"]) } }',
      { id: '15051' },
      READ,
    );
    expect(data.getTestPlan.jira.key).toBe('XCN-3');
    const sent = JSON.parse(t.xray.calls('graphql')[0]!.bodyText);
    expect(sent.variables).toEqual({ id: '15051' });
  });

  it('throws the first GraphQL error of an HTTP 200 answer, without retrying', async () => {
    const t = setup();
    t.xray.script('graphql', { status: 200, body: fixture('graphql.error.no-permission.json') });
    const e = await failure(t.client().graphql('mutation { x }', {}, CREATE));
    expect(e).toMatchObject({
      kind: 'graphql',
      message: "Xray refused the query: User doesn't have permissions to edit issue with id 10000",
    });
    expect(t.xray.calls('graphql')).toHaveLength(1);
  });

  it('reads the statuses', async () => {
    const t = setup();
    t.xray.script('graphql', {
      status: 200,
      body: JSON.stringify({
        data: {
          getStatuses: [
            { name: 'PASSED', description: 'The test run has passed', final: true, color: '#95C160' },
            { name: 'TODO', description: null, final: false, color: null },
          ],
        },
      }),
    });
    await expect(t.client().getStatuses()).resolves.toEqual([
      { name: 'PASSED', final: true, color: '#95C160' },
      { name: 'TODO', final: false },
    ]);
    expect(JSON.parse(t.xray.calls('graphql')[0]!.bodyText).query).toBe('{ getStatuses { name description final color } }');
  });
});

describe('secrets', () => {
  it('keeps the secret and the token out of every message and log line, even when Xray echoes them', async () => {
    const t = setup();
    t.xray.script('authenticate', { status: 400, body: JSON.stringify({ error: `bad client_secret ${SECRET}` }) });
    const e1 = await failure(t.client().authenticate());
    expect(e1.message).toContain('[redacted]');

    await t.client().authenticate();
    t.xray.script('import/execution', { status: 400, body: JSON.stringify({ error: `token ${FIXTURE_TOKEN} refused` }) });
    const e2 = await failure(t.client().importExecution({ tests: [] }, CREATE));
    expect(e2.message).toContain('[redacted]');

    const leaky = Object.assign(new Error(`socket closed while sending Bearer ${FIXTURE_TOKEN}`), { code: 'ECONNRESET' });
    t.xray.script('graphql', { throws: leaky }, { status: 500, body: JSON.stringify({ error: SECRET }) });
    await t.client().graphql('{ x }', {}, READ);

    const logged = t.log.text();
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(FIXTURE_TOKEN);
    expect(t.log.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });
});
