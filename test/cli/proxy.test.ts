import { bypassesProxy, proxyFor } from '../../cli/lib/proxy';

describe('proxy variables', () => {
  const u = (s: string) => new URL(s);
  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, either case, and ALL_PROXY last', () => {
    expect(proxyFor(u('https://a.example/x'), { HTTPS_PROXY: 'http://p:3128' })?.href).toBe('http://p:3128/');
    expect(proxyFor(u('https://a.example/x'), { https_proxy: 'p:8080' })?.href).toBe('http://p:8080/');
    expect(proxyFor(u('http://127.0.0.1:9/x'), { HTTPS_PROXY: 'http://p:3128' })).toBeUndefined();
    expect(proxyFor(u('http://127.0.0.1:9/x'), { HTTP_PROXY: 'http://p:3128' })?.host).toBe('p:3128');
    expect(proxyFor(u('https://a.example/x'), { ALL_PROXY: 'http://all:1' })?.host).toBe('all:1');
    expect(proxyFor(u('https://a.example/x'), {})).toBeUndefined();
  });

  it.each<[string, string, boolean]>([
    ['https://api.corp.example/x', '.corp.example', true],
    ['https://corp.example/x', '.corp.example', true],
    ['https://api.corp.example/x', 'corp.example', true],
    ['https://notcorp.example/x', 'corp.example', false],
    ['https://a.example:8443/x', 'a.example:8443', true],
    ['https://a.example/x', 'a.example:8443', false],
    ['http://127.0.0.1:3000/x', 'localhost,127.0.0.1', true],
    ['https://anything.example/x', '*', true],
    ['https://a.example/x', '', false],
  ])('%s with NO_PROXY=%j bypasses: %s', (url, noProxy, expected) => {
    expect(bypassesProxy(u(url), noProxy)).toBe(expected);
    expect(proxyFor(u(url), { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy }) === undefined).toBe(expected);
  });
});
