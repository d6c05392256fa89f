// CSV input: checks the header against the mapping, then maps each record by column position.
import type { ByteSource } from './byte-source.js';
import type { Mapping } from './compile-mapping.js';
import { csvRecords } from './csv-records.js';
import { ImportError } from './import-errors.js';
import { rowMapper } from './map-row.js';
import type { SourceRow, SourceRows } from './source-row.js';

/**
 * Reads the header row and checks it: every column the mapping reads must be there once; a column neither read
 * nor ignored is reported (or, with `unknownColumns: 'reject'`, refuses the file). Throws ImportError before any row.
 */
export async function csvRows(
  source: ByteSource,
  mapping: Mapping,
  unknownColumns: 'warn' | 'reject',
  maxRecordBytes?: number,
): Promise<SourceRows> {
  const records = csvRecords(source, { delimiter: mapping.delimiter, ...(maxRecordBytes ? { maxRecordBytes } : {}) });
  const first = await records.next();
  if (first.done || (first.value.fields?.length === 1 && first.value.fields[0]?.trim() === '')) {
    await records.return(undefined);
    throw new ImportError('IMPORT_EMPTY_FILE', `${source.name}: no header row`);
  }
  if (!first.value.fields) {
    await records.return(undefined);
    throw new ImportError('IMPORT_BAD_HEADER', `${source.name}: line 1: ${first.value.error?.message ?? 'unreadable'}`);
  }
  const header = first.value.fields.map((name) => name.trim());
  const fold = mapping.columnNames === 'case-insensitive' ? (c: string) => c.toLowerCase() : (c: string) => c;
  const positions = new Map<string, number[]>();
  header.forEach((name, i) => {
    positions.set(fold(name), [...(positions.get(fold(name)) ?? []), i]);
  });

  const missing = mapping.columns.filter((column) => !positions.has(fold(column)));
  const doubled = mapping.columns.filter((column) => (positions.get(fold(column))?.length ?? 0) > 1);
  const known = new Set([...mapping.columns, ...mapping.ignore].map(fold));
  const unknown = header
    .map((name, i) => (name === '' ? `(blank header, column ${i + 1})` : name))
    .filter((name) => !known.has(fold(name)));
  const problem =
    missing.length > 0
      ? new ImportError('IMPORT_MISSING_COLUMNS', `${source.name}: the header lacks ${missing.join(', ')}`, missing)
      : doubled.length > 0
        ? new ImportError(
            'IMPORT_DUPLICATE_COLUMNS',
            `${source.name}: the header repeats ${doubled.join(', ')}`,
            doubled,
          )
        : unknown.length > 0 && unknownColumns === 'reject'
          ? new ImportError(
              'IMPORT_UNKNOWN_COLUMNS',
              `${source.name}: columns neither mapped nor ignored: ${unknown.join(', ')}`,
              unknown,
            )
          : undefined;
  if (problem) {
    await records.return(undefined);
    throw problem;
  }

  const positionOf = (column: string) => positions.get(fold(column))![0]!;
  const map = rowMapper(
    mapping,
    (column) => {
      const at = positionOf(column);
      return (fields: string[]) => fields[at];
    },
    (column) => header[positionOf(column)]!,
  );
  async function* rows(): AsyncGenerator<SourceRow> {
    for await (const record of records) {
      const { line, raw, fields, bytes } = record;
      if (!fields) {
        const reason = { code: 'MALFORMED_CSV' as const, problem: record.error?.message ?? 'unreadable' };
        yield { line, raw, bytes, result: { ok: false, reasons: [reason] } };
      } else if (fields.length === 1 && header.length > 1 && raw.trim() === '') {
        yield { line, raw, bytes, blank: true };
      } else if (fields.length !== header.length) {
        const problem = `expected ${header.length} fields, got ${fields.length}`;
        yield { line, raw, bytes, fields, result: { ok: false, reasons: [{ code: 'COLUMN_COUNT', problem }] } };
      } else {
        yield { line, raw, bytes, header, fields, result: map(fields) };
      }
    }
  }
  return { unknownColumns: new Set(unknown), rows: rows() };
}
