// Where import bytes come from: a file, or bytes in memory, readable from any offset so a broken CSV line can be skipped.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A re-openable byte source: the CSV reader restarts after a broken line instead of giving up on the file. */
export interface ByteSource {
  /** A name for messages (the file path). */
  readonly name: string;
  /** Its size in bytes, for progress. */
  readonly size: number;
  /** A stream of the bytes from `start` (a byte offset) to the end. */
  open(start?: number): Readable;
}

/** A file on disk; throws (ENOENT, EISDIR, ...) when it cannot be read. */
export async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path);
  if (!info.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'EISDIR' });
  return { name: path, size: info.size, open: (start = 0) => createReadStream(path, { start }) };
}

/** Bytes or text in memory (tests, small payloads); chunked so parsers see realistic chunk boundaries. */
export function memorySource(content: string | Uint8Array, name = 'memory', chunkSize = 64 * 1024): ByteSource {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return {
    name,
    size: bytes.length,
    open(start = 0) {
      const chunks: Buffer[] = [];
      for (let at = start; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
      return Readable.from(chunks, { objectMode: false });
    },
  };
}

/**
 * The physical line that starts at `start`, without its line break, and the offset just after it.
 * Used to quote a line the CSV parser rejected; at most `max` bytes of it are kept.
 */
export async function readLineAt(
  source: ByteSource,
  start: number,
  max = 64 * 1024,
): Promise<{ text: string; next: number } | undefined> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let scanned = 0;
  const stream = source.open(start);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const newline = chunk.indexOf(0x0a);
      const part = newline === -1 ? chunk : chunk.subarray(0, newline);
      if (keptBytes < max) {
        kept.push(part.subarray(0, max - keptBytes));
        keptBytes += Math.min(part.length, max - keptBytes);
      }
      scanned += part.length;
      if (newline !== -1) return { text: lineText(kept), next: start + scanned + 1 };
    }
  } finally {
    stream.destroy();
  }
  return scanned === 0 ? undefined : { text: lineText(kept), next: start + scanned };
}

function lineText(parts: Buffer[]): string {
  return Buffer.concat(parts)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
}
