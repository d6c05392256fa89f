// JSONL input: each line an object whose fields play the part of columns; a missing field reads as blank.
import type { ByteSource } from './byte-source.js';
import type { Mapping } from './compile-mapping.js';
import { jsonlRecords } from './jsonl-records.js';
import { type RowReason, rowMapper } from './map-row.js';
import { MAX_UNKNOWN_COLUMNS, type SourceRow, type SourceRows } from './source-row.js';

/**
 * Maps each line. Lines have no shared header, so unknown fields are checked per row: listed in the summary with
 * `warn`, an UNKNOWN_COLUMN reason per field with `reject`.
 */
export function jsonlRows(
  source: ByteSource,
  mapping: Mapping,
  unknownColumns: 'warn' | 'reject',
  maxLineBytes?: number,
): SourceRows {
  const insensitive = mapping.columnNames === 'case-insensitive';
  const fold = insensitive ? (c: string) => c.toLowerCase() : (c: string) => c;
  const known = new Set([...mapping.columns, ...mapping.ignore].map(fold));
  const map = rowMapper(mapping, (column) => {
    const key = fold(column);
    return (row: Record<string, unknown>) => (Object.hasOwn(row, key) ? row[key] : undefined);
  });
  const unknown = new Set<string>();

  async function* rows(): AsyncGenerator<SourceRow> {
    for await (const record of jsonlRecords(source, maxLineBytes)) {
      const { line, raw, bytes } = record;
      if (record.blank) {
        yield { line, raw, bytes, blank: true };
        continue;
      }
      if (!record.row) {
        const reason = { code: record.error!.code, problem: record.error!.message };
        yield { line, raw, bytes, result: { ok: false, reasons: [reason] } };
        continue;
      }
      const row = record.row;
      const strays = Object.keys(row).filter((key) => !known.has(fold(key)));
      for (const key of strays) if (unknown.size < MAX_UNKNOWN_COLUMNS) unknown.add(key);
      const result = map(insensitive ? foldKeys(row) : row);
      if (unknownColumns === 'reject' && strays.length > 0) {
        const reasons: RowReason[] = strays.map((key) => ({
          code: 'UNKNOWN_COLUMN',
          problem: 'a field the mapping neither reads nor ignores',
          column: key,
          value: row[key] ?? null,
        }));
        yield {
          line,
          raw,
          bytes,
          row,
          result: { ok: false, reasons: result.ok ? reasons : [...result.reasons, ...reasons] },
        };
      } else yield { line, raw, bytes, row, result };
    }
  }
  return { unknownColumns: unknown, rows: rows() };
}

function foldKeys(row: Record<string, unknown>): Record<string, unknown> {
  const folded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) folded[key.toLowerCase()] = value;
  return folded;
}
