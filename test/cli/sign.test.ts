import { createHmac } from 'node:crypto';
import { authHeaders, signatureHeader, signedText } from '../../cli/lib/sign';
import { canonicalQuery } from '../../src/webtrigger/auth';

describe('signing', () => {
  const body = '{"runId":"337","results":[{"testCaseId":"609","status":"SUCCESS"}]}';

  it('matches HMAC-SHA256(secret, "<t>.<raw body>") computed independently (Python hmac)', () => {
    expect(signatureHeader('whsec_test', body, 1764500000)).toBe(
      't=1764500000,v1=7ec5dbbf21486c0a042a3054e045fc111fbd6cbbbae75805d095be9fc652bb0c',
    );
  });

  it('signs a GET over its query, "<t>.job=<jobId>", as the app checks it', () => {
    const url = 'https://example.atlassian-dev.net/x1/abc?job=0zzzz1a2b3c4d5e6f';
    expect(signedText('GET', url, '')).toBe('job=0zzzz1a2b3c4d5e6f');
    expect(signedText('GET', url, '')).toBe(canonicalQuery({ job: ['0zzzz1a2b3c4d5e6f'] }));
    expect(signedText('GET', 'https://h/x1/abc?b=2&a=%C3%BC+x', '')).toBe(canonicalQuery({ b: ['2'], a: ['ü x'] }));
    expect(signedText('POST', url, '{"a":1}')).toBe('{"a":1}');
    expect(authHeaders('hmac', 's', signedText('GET', url, ''), 1_700_000_000_000)).not.toEqual(authHeaders('hmac', 's', '', 1_700_000_000_000));
  });

  it('signs UTF-8 bytes, not UTF-16 code units', () => {
    expect(signatureHeader('sécret', '{"m":"ünï"}', 1764500000)).toBe(
      't=1764500000,v1=8e79655e7f0bdc06b2e17e59ffada71ce3fcae0d71d6d288857c809fc074249f',
    );
  });

  it('agrees with node:crypto over a Buffer of the same bytes', () => {
    const t = 1700000123;
    const expected = createHmac('sha256', Buffer.from('k')).update(Buffer.from(`${t}.${body}`, 'utf8')).digest('hex');
    expect(signatureHeader('k', body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('uses whole seconds from the clock, and Bearer when asked', () => {
    expect(authHeaders('hmac', 's', '', 1_700_000_000_999)['x-signature']).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(authHeaders('bearer', 's3cret', body, 0)).toEqual({ authorization: 'Bearer s3cret' });
  });
});
