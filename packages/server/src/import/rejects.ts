// The rejects file: one JSON line per rejected row, with its line number, the row as read, and every reason.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RowReason } from './map-row.js';

/**
 * A rejected row. `row` is the row keyed by column (CSV whose field count matches the header, or a JSONL object),
 * `fields` the fields of a CSV record with the wrong count, `raw` the text as it was in the file.
 */
export interface RejectedRow {
  line: number;
  reasons: RowReason[];
  row?: Record<string, unknown>;
  fields?: string[];
  raw: string;
}

/** Where rejected rows go. The import awaits each write, so a slow disk slows the import instead of filling memory. */
export interface RejectSink {
  write(reject: RejectedRow): void | Promise<void>;
}

/** A sink writing JSON lines to a stream, honouring its backpressure; `close()` ends it and waits for the flush. */
export function jsonlRejects(stream: Writable): RejectSink & { readonly count: number; close(): Promise<void> } {
  let count = 0;
  // A failed disk write fails the import (the rows would otherwise be dropped silently), not the process.
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    get count() {
      return count;
    },
    async write(reject) {
      if (failure) throw failure;
      count += 1;
      if (!stream.write(`${JSON.stringify(reject)}\n`)) await once(stream, 'drain');
    },
    async close() {
      if (failure) throw failure;
      stream.end();
      if (!stream.writableFinished) await once(stream, 'finish');
    },
  };
}

/** A sink that keeps rejects in an array: tests and small embedded imports. */
export function memoryRejects(): RejectSink & { readonly rows: RejectedRow[] } {
  const rows: RejectedRow[] = [];
  return {
    rows,
    write(reject) {
      rows.push(reject);
    },
  };
}
