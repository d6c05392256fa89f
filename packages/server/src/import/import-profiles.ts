// The bulk import: streams rows from CSV or JSONL through a mapping into a profile store, accounting for every row.

import type { Profile, ProfileStore } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import type { ByteSource } from './byte-source.js';
import type { Mapping } from './compile-mapping.js';
import { csvRows } from './csv-rows.js';
import type { RowReasonCode } from './import-errors.js';
import { jsonlRows } from './jsonl-rows.js';
import type { RowReason } from './map-row.js';
import type { RejectSink } from './rejects.js';
import type { SourceRow } from './source-row.js';

export type ImportFormat = 'csv' | 'jsonl';

export interface ImportOptions {
  source: ByteSource;
  format: ImportFormat;
  mapping: Mapping;
  store: ProfileStore;
  rejects: RejectSink;
  /** Overrides the mapping's `unknownColumns`. */
  unknownColumns?: 'warn' | 'reject';
  /** Store writes in flight at once (an asynchronous store such as Redis); reading waits while the window is full. */
  concurrency?: number;
  /** Called every `progressEvery` rows. */
  onProgress?: (progress: { rows: number; bytes: number; size: number }) => void;
  progressEvery?: number;
  /** A CSV record or JSONL line longer than this is rejected rather than buffered (default 1 MiB). */
  maxRecordBytes?: number;
}

/** What an import did. `rows` always equals `valid + invalid`; blank lines are counted apart, not as rows. */
export interface ImportSummary {
  source: string;
  format: ImportFormat;
  rows: number;
  valid: number;
  invalid: number;
  blankLines: number;
  /** Reasons over all rejected rows, most frequent first (a row with two problems counts in both). */
  reasons: { code: RowReasonCode; column?: string; count: number }[];
  /** Columns (CSV header) or fields (JSONL) the mapping neither reads nor ignores. */
  unknownColumns: string[];
  /** The first profile imported, to eyeball the mapping. */
  sample?: Profile;
  /** Set when the store failed: the import stopped after this line; rows after it were not read. */
  stopped?: { line: number; code: 'IMPORT_STORE_FAILED'; message: string };
}

/**
 * Imports every row of `source` into `store`. A row that does not map, or repeats a subscriberId already imported
 * by an earlier row of this import (the first valid row wins), goes to `rejects` with every reason; none is dropped.
 * Throws ImportError (nothing imported) when the file as a whole does not fit the mapping.
 * @example const summary = await importProfiles({ source: await fileSource('churn.csv'), format: 'csv', mapping, store, rejects });
 */
export async function importProfiles(options: ImportOptions): Promise<ImportSummary> {
  const { source, format, mapping, store, rejects } = options;
  const policy = options.unknownColumns ?? mapping.unknownColumns;
  const input =
    format === 'csv'
      ? await csvRows(source, mapping, policy, options.maxRecordBytes)
      : jsonlRows(source, mapping, policy, options.maxRecordBytes);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const every = Math.max(1, options.progressEvery ?? 10_000);

  const summary: ImportSummary = {
    source: source.name,
    format,
    rows: 0,
    valid: 0,
    invalid: 0,
    blankLines: 0,
    reasons: [],
    unknownColumns: [],
  };
  const reasonCounts = new Map<string, { code: RowReasonCode; column?: string; count: number }>();
  const firstLineOf = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();

  const reject = async (row: SourceRow, reasons: RowReason[]) => {
    summary.invalid += 1;
    for (const { code, column } of reasons) {
      const key = `${code}\u0000${column ?? ''}`;
      const counted = reasonCounts.get(key) ?? { code, ...(column === undefined ? {} : { column }), count: 0 };
      counted.count += 1;
      reasonCounts.set(key, counted);
    }
    await rejects.write({
      line: row.line,
      reasons,
      ...keyedRow(row),
      raw: row.raw,
    });
  };
  const storeFailed = async (row: SourceRow, error: unknown) => {
    const message = errorMessage(error);
    summary.stopped ??= { line: row.line, code: 'IMPORT_STORE_FAILED', message };
    await reject(row, [{ code: 'STORE_FAILED', problem: message }]);
  };
  const stored = (profile: Profile) => {
    summary.valid += 1;
    summary.sample ??= profile;
  };

  for await (const row of input.rows) {
    if (row.blank) {
      summary.blankLines += 1;
      continue;
    }
    summary.rows += 1;
    if (summary.rows % every === 0) options.onProgress?.({ rows: summary.rows, bytes: row.bytes, size: source.size });
    const result = row.result!;
    if (!result.ok) {
      await reject(row, result.reasons);
      continue;
    }
    const { profile } = result;
    const first = firstLineOf.get(profile.subscriberId);
    if (first !== undefined) {
      const problem = `subscriberId already imported from line ${first}`;
      await reject(row, [{ code: 'DUPLICATE', problem, attribute: 'subscriberId', value: profile.subscriberId }]);
      continue;
    }
    firstLineOf.set(profile.subscriberId, row.line);
    let pending: void | Promise<void>;
    try {
      pending = store.put(profile);
    } catch (error) {
      await storeFailed(row, error);
      break;
    }
    if (!isPromise(pending)) {
      stored(profile);
      continue;
    }
    const write: Promise<void> = pending.then(
      () => stored(profile),
      (error) => storeFailed(row, error),
    );
    const settled = write.finally(() => inFlight.delete(settled));
    inFlight.add(settled);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (summary.stopped) break;
  }
  await Promise.all(inFlight);

  summary.reasons = [...reasonCounts.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  summary.unknownColumns = [...input.unknownColumns];
  return summary;
}

/** The rejected row keyed by column when its fields line up with the header, else its bare fields. */
function keyedRow(source: SourceRow): { row?: Record<string, unknown>; fields?: string[] } {
  if (source.row) return { row: source.row };
  const { header, fields } = source;
  if (!fields) return {};
  if (!header || header.length !== fields.length) return { fields };
  const row: Record<string, unknown> = {};
  header.forEach((name, i) => {
    row[name] = fields[i];
  });
  return { row };
}

function isPromise(value: unknown): value is Promise<void> {
  return typeof (value as Promise<void> | undefined)?.then === 'function';
}
