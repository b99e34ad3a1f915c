/**
 * `[[ATTACHMENT|path]]` lines are written by the code under test, so a report must not be able to make xts upload
 * any file it can read: only regular files inside the report's folder (or --attachments-dir), at most 2 MiB each.
 * Real files in a temporary folder, read through readInput as `xts send` does.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readInput } from '../../cli/lib/main';
import type { JunitOptions } from '../../cli/lib/args';
import { readAttachment } from '../../cli/lib/attachments';

const MiB = 1024 * 1024;

function setup(lines: string[]) {
  const root = mkdtempSync(path.join(tmpdir(), 'xts-att-'));
  const dir = path.join(root, 'reports');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'shot.png'), 'PNG');
  writeFileSync(path.join(root, 'secret.txt'), 'XTS_SECRET=whsec_leak');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'link.txt'));
  writeFileSync(path.join(dir, 'trace.zip'), Buffer.alloc(Math.round(3.3 * MiB), 1));
  writeFileSync(path.join(dir, 'exactly-2mib.bin'), Buffer.alloc(2 * MiB, 2));
  const out = lines.map((l) => `[[ATTACHMENT|${l}]]`).join('\n');
  const report = `<testsuite name="s"><testcase name="t" classname="c"><properties><property name="testsigma_id" value="701"/></properties><system-out>${out}</system-out></testcase>
<testcase name="u" classname="c"><properties><property name="testsigma_id" value="702"/></properties></testcase></testsuite>`;
  writeFileSync(path.join(dir, 'report.xml'), report);
  return { root, dir, file: path.join(dir, 'report.xml') };
}

async function read(file: string, junit: Partial<JunitOptions> = {}) {
  const warnings: string[] = [];
  const result = await readInput((p) => readFile(p), file, undefined, { runId: 'att-1', ...junit }, (l) => warnings.push(l));
  return { result, warnings, names: (result.results[0]?.attachments ?? []).map((a) => a.filename) };
}

describe('attachments named by a report', () => {
  it('sends a regular file in the report\'s folder and refuses, with one warning each, what is outside it, a link, a device, a folder or over 2 MiB', async () => {
    const { dir, file } = setup(['shot.png', '/proc/self/environ', '../secret.txt', '../../../../../../etc/passwd', 'link.txt', '/dev/zero', 'sub', 'trace.zip', 'exactly-2mib.bin']);
    const { result, warnings, names } = await read(file);
    expect(names).toEqual(['shot.png', 'exactly-2mib.bin']);
    expect(result.results).toHaveLength(2); // the rest of the report is still sent
    const about = (p: string) => warnings.filter((w) => w.includes(p));
    expect(about('/proc/self/environ')).toEqual([expect.stringMatching(/is not sent: it is outside .*reports.* \(--attachments-dir allows another folder\)/)]);
    expect(about('secret.txt')).toEqual([expect.stringMatching(/outside/)]);
    expect(about('/etc/passwd')).toEqual([expect.stringMatching(/outside/)]);
    expect(about('link.txt')).toEqual([expect.stringMatching(/is not sent: it is a symbolic link/)]);
    expect(about('/dev/zero')).toEqual([expect.stringMatching(/outside/)]);
    expect(about(`${path.sep}sub`)).toEqual([expect.stringMatching(/is not sent: it is not a regular file/)]);
    expect(about('trace.zip')).toEqual([expect.stringMatching(/is not sent: it is 3\.3 MiB, over the 2 MiB the app accepts/)]);
    expect(JSON.stringify(result)).not.toContain(Buffer.from('XTS_SECRET=whsec_leak').toString('base64'));
    for (const a of result.results.flatMap((r) => r.attachments ?? [])) expect(Buffer.from(a.data, 'base64').toString()).not.toContain('whsec_leak');
    expect(dir).toBeTruthy();
  });

  it('even with the whole disk allowed (a report at /), pseudo-files and devices are not read', async () => {
    expect(await readAttachment('/proc/self/environ', '/')).toEqual({ ok: false, why: 'it is a system pseudo-file' });
    expect(await readAttachment('/dev/zero', '/')).toEqual({ ok: false, why: 'it is not a regular file' });
  });

  it('--attachments-dir allows one more folder besides the report\'s, and only that one', async () => {
    const { root, file } = setup(['../secret.txt', 'shot.png']);
    const { names, warnings } = await read(file, { attachmentsDir: root });
    expect(names).toEqual(['secret.txt', 'shot.png']);
    expect(warnings).toEqual([]);
    const other = mkdtempSync(path.join(tmpdir(), 'xts-other-'));
    const { names: some, warnings: w2 } = await read(file, { attachmentsDir: other });
    expect(some).toEqual(['shot.png']);
    expect(w2).toEqual([expect.stringMatching(/secret\.txt of test case 701 is not sent: it is outside .*xts-other-.* \(--attachments-dir allows another folder\)/)]);
    const { warnings: w3 } = await read(file, { attachmentsDir: path.join(other, 'missing') });
    expect(w3).toEqual([expect.stringMatching(/secret\.txt of test case 701 is not sent: the folder attachments may come from, .*missing, does not exist \(check --attachments-dir\)/)]);
  });

  it('older Playwright, whose paths are relative to its test folder (config.rootDir): a report in a subfolder finds them in --attachments-dir', async () => {
    const { root, file } = setup(['test-results/t-chromium/trace.zip', 'shot.png']);
    mkdirSync(path.join(root, 'test-results', 't-chromium'), { recursive: true });
    writeFileSync(path.join(root, 'test-results', 't-chromium', 'trace.zip'), 'PK');
    const without = await read(file);
    expect(without.names).toEqual(['shot.png']);
    expect(without.warnings).toEqual([expect.stringMatching(/reports\/test-results\/t-chromium\/trace\.zip of test case 701 is not sent: no such file/)]);
    const { names, warnings, result } = await read(file, { attachmentsDir: root });
    expect(names).toEqual(['trace.zip', 'shot.png']);
    expect(warnings).toEqual([]);
    expect(result.results[0]?.attachments?.[0]?.data).toBe(Buffer.from('PK').toString('base64'));
  });

  it('--no-attachments sends none and says how many it left out', async () => {
    const { file } = setup(['shot.png', 'trace.zip']);
    const { names, warnings, result } = await read(file, { noAttachments: true });
    expect(names).toEqual([]);
    expect(result.results).toHaveLength(2);
    expect(warnings).toEqual(['Note: 2 attachment(s) named in the report are not sent (--no-attachments).']);
  });
});
