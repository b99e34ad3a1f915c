import { redact, xrayDetail } from '../../src/xray/xray-errors';
import { fixture } from './fake-xray';

describe('Xray error bodies', () => {
  it('read Xray’s words from each shape', () => {
    expect(xrayDetail(fixture('import-execution.error.400.missing-project.json'))).toBe('Must provide a project key');
    expect(xrayDetail(fixture('graphql.error.no-permission.json'))).toBe(
      "User doesn't have permissions to edit issue with id 10000",
    );
    expect(xrayDetail(fixture('error.503.wrong-region-cloudfront.txt'))).toBe('ERROR: The request could not be satisfied');
    expect(xrayDetail('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
    expect(xrayDetail('')).toBe('');
    expect(xrayDetail('x'.repeat(1000)).length).toBeLessThanOrEqual(300);
  });

  it('redacts given secrets and any JWT', () => {
    const jwt = JSON.parse(fixture('authenticate.response.json')) as string;
    expect(redact(`a s3cr3t-value b ${jwt} c`, ['s3cr3t-value'])).toBe('a [redacted] b [redacted] c');
    expect(redact(`clipped ${jwt.slice(0, 60)}`, [])).toBe('clipped [redacted]');
  });
});
