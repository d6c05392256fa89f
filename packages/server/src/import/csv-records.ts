// Streams the records of a CSV file with csv-parse, turning a broken line into a reported record instead of a crash.
import { type CsvError, type Info, parse } from 'csv-parse';
import { type ByteSource, readLineAt } from './byte-source.js';

/** One CSV record: its fields, or (for a line csv-parse cannot read) the parser's error. */
export interface CsvRecord {
  /** The 1-based line the record starts on. */
  line: number;
  /** Absent when the line could not be parsed. */
  fields?: string[];
  /** The record's text as in the file, without its final line break. */
  raw: string;
  error?: { code: string; message: string };
  /** Bytes of the source read up to the end of this record, for progress. */
  bytes: number;
}

export interface CsvRecordOptions {
  delimiter?: string;
  /** A quoted field never closed would otherwise swallow the rest of the file into memory. */
  maxRecordBytes?: number;
}

type Parsed = { record: string[]; raw: string; info: Info };
const LINE_BREAK = /\r\n|\n|\r/g;

/**
 * Yields every record of `source`, with backpressure (the next chunk is read only when asked for).
 *
 * csv-parse stops making sense of a file after a quoting error, so on the first error the parser is dropped: the
 * records it read before the error are kept, the line where the broken record starts is yielded with the error,
 * and a fresh parser resumes on the next line. Nothing between two good records goes unreported.
 */
export async function* csvRecords(source: ByteSource, options: CsvRecordOptions = {}): AsyncGenerator<CsvRecord> {
  let start = 0;
  let endLine = 0;
  for (;;) {
    let failure: { code: string; message: string; records: number } | undefined;
    const parser = parse({
      bom: start === 0,
      delimiter: options.delimiter ?? ',',
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      max_record_size: options.maxRecordBytes ?? 1024 * 1024,
      raw: true,
      info: true,
      on_skip: (error) => {
        if (error) failure ??= describeError(error);
      },
    });
    const input = source.open(start);
    input.on('error', (error) => parser.destroy(error));
    input.pipe(parser);
    let consumed = 0;
    let end = start;
    try {
      for await (const { record, raw, info } of parser as AsyncIterable<Parsed>) {
        consumed += 1;
        // Records after the first error come from a confused parser: they are read again by the next one.
        if (failure && consumed > failure.records) break;
        const text = raw.replace(/\r?\n$|\r$/, '');
        const line = endLine + 1;
        end = start + info.bytes;
        // Counted from the text: csv-parse counts a CRLF inside a quoted field as two lines.
        endLine = line + (text.match(LINE_BREAK)?.length ?? 0);
        yield { line, fields: record, raw: text, bytes: end };
      }
    } finally {
      input.unpipe(parser);
      input.destroy();
      parser.destroy();
    }
    if (!failure) return;
    const broken = await readLineAt(source, end);
    if (!broken) return;
    // The parser's own line number counts from where it started (and miscounts CRLF in quotes): the record has ours.
    const message = failure.message.replace(/ (at|on) line \d+/, '');
    endLine += 1;
    yield { line: endLine, raw: broken.text, error: { code: failure.code, message }, bytes: broken.next };
    start = broken.next;
  }
}

/** The parts of a csv-parse error the recovery needs; csv-parse copies its context (records read) onto the error. */
function describeError(error: CsvError): { code: string; message: string; records: number } {
  const { records } = error as unknown as { records?: unknown };
  return { code: error.code, message: error.message, records: typeof records === 'number' ? records : 0 };
}
