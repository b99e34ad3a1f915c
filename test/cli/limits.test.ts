/**
 * A Testsigma run or trigger answer is one object, read up to 1 MiB. A fetch that streams without end stands in for
 * the server; what is read is counted.
 */
import { TestsigmaClient } from '../../cli/lib/testsigma';
import { readInput } from '../../cli/lib/main';

function endlessFetch(counter: { bytes: number }): typeof fetch {
  return (async () => {
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        counter.bytes += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

const client = (counter: { bytes: number }) =>
  new TestsigmaClient({ baseUrl: 'https://app.testsigma.example', apiKey: 'k', deps: { fetch: endlessFetch(counter), sleep: async () => undefined, now: Date.now, log: () => undefined } });

describe('Testsigma answers', () => {
  it('a run status stops at 1 MiB, saying the limit', async () => {
    const counter = { bytes: 0 };
    await expect(client(counter).run('1001')).rejects.toThrow(/^Testsigma answered more than 1 MiB \(the limit for its answers\); xts stopped reading\. Check --testsigma-url\.$/);
    expect(counter.bytes).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('results files in other encodings', () => {
  it('a JSON results file written as UTF-16 by PowerShell is read as JSON', async () => {
    const json = JSON.stringify({ runId: 'ps-1', results: [{ testCaseId: '609', status: 'PASSED', message: 'Größe' }] });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    const file = await readInput(async () => utf16, 'r.json', undefined, {}, () => undefined);
    expect(file.results[0]).toMatchObject({ testCaseId: '609', message: 'Größe' });
  });
});
