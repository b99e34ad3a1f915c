import { buildMultipart } from '../../src/xray/multipart';

describe('multipart bodies', () => {
  it('parse back into their parts, non-ASCII and binary content included', async () => {
    const binary = new Uint8Array([0, 255, 13, 10, 45, 45, 1]);
    const m = buildMultipart([
      { name: 'results', filename: 'results.json', contentType: 'application/json', content: '{"summary":"Ünïcødé ✓"}' },
      { name: 'blob', filename: 'b.bin', contentType: 'application/octet-stream', content: binary },
    ]);
    const form = await new Response(m.body, { headers: { 'content-type': m.contentType } }).formData();
    expect(await (form.get('results') as File).text()).toBe('{"summary":"Ünïcødé ✓"}');
    expect(new Uint8Array(await (form.get('blob') as File).arrayBuffer())).toEqual(binary);
  });

  it('never uses a boundary that occurs in the content', () => {
    const taken = '----xray-taken';
    const boundaries = [taken, '----xray-free'];
    const m = buildMultipart(
      [{ name: 'info', filename: 'info.json', contentType: 'application/json', content: `{"x":"${taken}"}` }],
      () => boundaries.shift()!,
    );
    expect(m.boundary).toBe('----xray-free');
  });

  it('uses a different random boundary each time', () => {
    const part = { name: 'info', filename: 'info.json', contentType: 'application/json', content: '{}' };
    expect(buildMultipart([part]).boundary).not.toBe(buildMultipart([part]).boundary);
  });
});
