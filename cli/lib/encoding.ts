/**
 * Report bytes into text, the way XML 1.0 says a parser finds the encoding (appendix F): a byte order mark first,
 * then the declaration's `encoding`, else UTF-8. Reports meet CI in UTF-16 (PowerShell 5's `>` writes it, with a
 * BOM) and in Latin-1 (older Java tools declare ISO-8859-1), so reading every file as UTF-8 garbles them.
 */
import { CliError } from './errors';

const DECLARATION = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

function decoder(label: string, file: string): TextDecoder {
  try {
    return new TextDecoder(label, { fatal: true });
  } catch {
    throw new CliError(
      `"${file}" declares encoding "${label}", which xts cannot read. Convert the file to UTF-8 (for example: iconv -f ${label} -t UTF-8) and send it again. Nothing was sent.`,
    );
  }
}

/** The offset of the first byte that does not decode, for the message (found by halving; only on failure). */
function firstBadOffset(buf: Uint8Array, label: string): number {
  let good = 0;
  let bad = buf.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    try {
      new TextDecoder(label, { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  return good;
}

function decodeAs(buf: Uint8Array, label: string, file: string, shownName: string): string {
  try {
    return decoder(label, file).decode(buf);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const at = firstBadOffset(buf, label);
    const byte = buf[at];
    throw new CliError(
      `"${file}" is not valid ${shownName} (byte 0x${(byte ?? 0).toString(16).padStart(2, '0')} at offset ${at}). ` +
        'Save the report as UTF-8, or give it an XML declaration that names its encoding (<?xml version="1.0" encoding="ISO-8859-1"?>). Nothing was sent.',
    );
  }
}

/**
 * Decodes a report or results file. A BOM decides (UTF-8, UTF-16 LE or BE); UTF-16 without one is recognised by
 * its first `<`; otherwise the XML declaration's encoding, else UTF-8. The BOM is not part of the text.
 * Throws a {@link CliError} naming the encoding that failed.
 */
export function decodeReport(raw: Buffer | string, file: string): string {
  if (typeof raw === 'string') return raw.replace(/^\uFEFF/, '');
  const b = raw;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decodeAs(b.subarray(3), 'utf-8', file, 'UTF-8');
  if (b[0] === 0xff && b[1] === 0xfe) return decodeAs(b.subarray(2), 'utf-16le', file, 'UTF-16LE');
  if (b[0] === 0xfe && b[1] === 0xff) return decodeAs(b.subarray(2), 'utf-16be', file, 'UTF-16BE');
  if (b[0] === 0x3c && b[1] === 0x00) return decodeAs(b, 'utf-16le', file, 'UTF-16LE');
  if (b[0] === 0x00 && b[1] === 0x3c) return decodeAs(b, 'utf-16be', file, 'UTF-16BE');
  const declared = DECLARATION.exec(b.subarray(0, 256).toString('latin1'))?.[1];
  // A UTF-16 declaration on bytes that are not UTF-16 (no BOM, no NUL) is a copy that was re-encoded: trust the bytes.
  if (declared && !/^utf-?(8|16)/i.test(declared)) return decodeAs(b, declared, file, declared);
  return decodeAs(b, 'utf-8', file, 'UTF-8');
}
