/**
 * Reading the files a report names as evidence (`[[ATTACHMENT|path]]`). The code under test writes those lines,
 * so a report must not be able to make xts upload any file it can read (`/proc/self/environ` carries the CI's
 * secrets): only regular files inside one folder are read, never through a symbolic link, and at most what the app
 * accepts.
 */
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sizeWords } from './http';

/** The app skips attachments over 2 MiB (decoded); reading more would only cost memory and bandwidth. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

const PSEUDO_FILESYSTEMS = ['/proc/', '/sys/', '/dev/'];

/** A file read, or why it was not. */
export type AttachmentRead = { ok: true; data: Buffer } | { ok: false; why: string };

/** Reads attachment files; a dependency of `xts send`, so tests can give their own. */
export type AttachmentReader = (file: string, allowedDir: string, maxBytes?: number) => Promise<AttachmentRead>;

const inside = (dir: string, file: string) => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'it is a symbolic link';
  return (err as Error).message;
}

/**
 * Reads `file` when it is a regular file inside `allowedDir` (after resolving every link in the folder's path and
 * refusing a link as the file itself), of at most `maxBytes`. Reads from one open descriptor, in chunks, no more than
 * the size it had when checked, so a file that grows or is swapped after the checks costs no more than the limit.
 */
export const readAttachment: AttachmentReader = async (file, allowedDir, maxBytes = MAX_ATTACHMENT_BYTES) => {
  const outside = { ok: false as const, why: `it is outside ${allowedDir} (--attachments-dir allows another folder)` };
  let root: string;
  let real: string;
  try {
    root = await fs.realpath(allowedDir);
  } catch {
    return { ok: false, why: `the folder attachments may come from, ${allowedDir}, does not exist (check --attachments-dir)` };
  }
  try {
    if (!inside(path.resolve(allowedDir), path.resolve(file)) && !inside(root, path.resolve(file))) return outside;
    const stat = await fs.lstat(file);
    if (stat.isSymbolicLink()) return { ok: false, why: 'it is a symbolic link' };
    if (!stat.isFile()) return { ok: false, why: 'it is not a regular file' };
    real = path.join(await fs.realpath(path.dirname(file)), path.basename(file));
  } catch (err) {
    return { ok: false, why: why(err) };
  }
  if (!inside(root, real)) return outside;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(real, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, why: 'it is not a regular file' };
    if (stat.size > maxBytes) return { ok: false, why: `it is ${sizeWords(stat.size)}, over the ${sizeWords(maxBytes)} the app accepts` };
    // Pseudo-files (/proc/self/environ and its kind) say size 0 and yet read the process's secrets.
    if (PSEUDO_FILESYSTEMS.some((prefix) => real.startsWith(prefix))) return { ok: false, why: 'it is a system pseudo-file' };
    // At most the size the file had when checked: what is appended later (a log still written) is not sent.
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < stat.size) {
      const chunk = Buffer.alloc(Math.min(256 * 1024, stat.size - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return { ok: true, data: Buffer.concat(chunks) };
  } catch (err) {
    return { ok: false, why: why(err) };
  } finally {
    await handle?.close();
  }
};
