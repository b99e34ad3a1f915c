/**
 * multipart/form-data bodies built by hand: Forge's fetch takes `string | ArrayBuffer` bodies, not FormData, and
 * Xray's multipart import wants named file parts (`results`, `info`).
 */
import { randomBytes } from 'node:crypto';

/** One file part. */
export interface MultipartFile {
  /** The form field name (Xray reads `results` and `info`). */
  name: string;
  filename: string;
  contentType: string;
  content: string | Uint8Array;
}

/** A body ready to send, with the Content-Type header that names its boundary. */
export interface MultipartBody {
  /** ArrayBuffer-backed, so it is also a valid `BodyInit` where a test or host wants one. */
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  boundary: string;
}

const CRLF = '\r\n';

// Quotes and line breaks would end the header value early; field and file names here are ours, but keep them safe.
function headerValue(s: string): string {
  return s.replace(/["\r\n\\]/g, '_');
}

/**
 * Builds a multipart/form-data body. The boundary is random and checked against the content, so a part can never
 * contain it; `makeBoundary` is injectable for tests.
 */
export function buildMultipart(
  parts: readonly MultipartFile[],
  makeBoundary: () => string = () => `----xray-${randomBytes(16).toString('hex')}`,
): MultipartBody {
  const encoder = new TextEncoder();
  const encoded = parts.map((p) => ({
    ...p,
    bytes: typeof p.content === 'string' ? encoder.encode(p.content) : p.content,
  }));
  let boundary = makeBoundary();
  for (let tries = 0; encoded.some((p) => contains(p.bytes, encoder.encode(boundary))); tries++) {
    if (tries >= 5) throw new Error('Could not find a multipart boundary absent from the content');
    boundary = makeBoundary();
  }
  const chunks: Uint8Array[] = [];
  for (const p of encoded) {
    chunks.push(
      encoder.encode(
        `--${boundary}${CRLF}` +
          `Content-Disposition: form-data; name="${headerValue(p.name)}"; filename="${headerValue(p.filename)}"${CRLF}` +
          `Content-Type: ${headerValue(p.contentType)}${CRLF}${CRLF}`,
      ),
      p.bytes,
      encoder.encode(CRLF),
    );
  }
  chunks.push(encoder.encode(`--${boundary}--${CRLF}`));
  return { body: concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle) >= 0;
}
