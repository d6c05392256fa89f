// Streams the lines of a JSONL file as parsed objects, turning a bad line into a reported record instead of a crash.

import { nestedDeeperThan } from '../http/json-body.js';
import type { ByteSource } from './byte-source.js';
import { MAX_JSON_DEPTH } from './convert-value.js';
import type { RowReasonCode } from './import-errors.js';

/** One JSONL line: the parsed object, or why the line is not one. Blank lines are yielded as `blank`. */
export interface JsonlRecord {
  line: number;
  raw: string;
  row?: Record<string, unknown>;
  error?: { code: RowReasonCode; message: string };
  blank?: true;
  bytes: number;
}

/**
 * Yields every line of `source`, reading the next chunk only when asked (backpressure), never holding more than
 * one line beyond the current chunk. A line longer than `maxLineBytes` is reported, not buffered.
 */
export async function* jsonlRecords(source: ByteSource, maxLineBytes = 1024 * 1024): AsyncGenerator<JsonlRecord> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 0;
  let bytes = 0;
  const stream = source.open(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, from)) {
        keep(chunk.subarray(from, newline));
        bytes += newline - from + 1;
        from = newline + 1;
        line += 1;
        yield finish();
      }
      keep(chunk.subarray(from));
      bytes += chunk.length - from;
    }
    if (pendingBytes > 0 || tooLong) {
      line += 1;
      yield finish();
    }
  } finally {
    stream.destroy();
  }

  function keep(part: Buffer) {
    if (tooLong || part.length === 0) return;
    if (pendingBytes + part.length > maxLineBytes) {
      // Keep the start of the line for the rejects file, drop the rest as it streams past.
      tooLong = true;
      pending = [Buffer.concat([...pending, part]).subarray(0, 200)];
      return;
    }
    pending.push(part);
    pendingBytes += part.length;
  }

  function finish(): JsonlRecord {
    let raw = Buffer.concat(pending).toString('utf8');
    if (line === 1) raw = raw.replace(/^\uFEFF/, '');
    raw = raw.replace(/\r$/, '');
    const wasTooLong = tooLong;
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    if (wasTooLong)
      return { line, raw, bytes, error: { code: 'LINE_TOO_LONG', message: `longer than ${maxLineBytes} bytes` } };
    if (raw.trim() === '') return { line, raw, bytes, blank: true };
    if (nestedDeeperThan(raw, MAX_JSON_DEPTH + 1)) {
      const message = `nested deeper than ${MAX_JSON_DEPTH} levels below the row`;
      return { line, raw, bytes, error: { code: 'TOO_DEEP', message } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      return { line, raw, bytes, error: { code: 'INVALID_JSON', message: (error as Error).message } };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return { line, raw, bytes, error: { code: 'NOT_AN_OBJECT', message: 'expected a JSON object' } };
    return { line, raw, bytes, row: parsed as Record<string, unknown> };
  }
}
