// The shape both input formats hand to the importer: one row read, already mapped to a profile or to its reasons.
import type { MappedRow } from './map-row.js';

/** One row of the input, mapped. Blank lines carry `blank` and no result: they are counted, not imported. */
export interface SourceRow {
  line: number;
  raw: string;
  /** The row keyed by column, for the rejects file; CSV builds it only for a rejected row, from `header`. */
  row?: Record<string, unknown>;
  header?: readonly string[];
  /** The fields of a CSV record. */
  fields?: string[];
  blank?: true;
  result?: MappedRow;
  /** Bytes of the source read so far, for progress. */
  bytes: number;
}

/** A format reader: the columns it saw but the mapping does not know, and the rows. */
export interface SourceRows {
  /** Filled as rows are read for JSONL (each row has its own fields), at the header for CSV. */
  unknownColumns: Set<string>;
  rows: AsyncIterable<SourceRow>;
}

/** At most this many distinct unknown column names are remembered, so a JSONL file of random keys cannot grow it. */
export const MAX_UNKNOWN_COLUMNS = 100;
