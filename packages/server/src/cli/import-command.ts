// `arbiter import <file> --mapping <file>`: streams profiles from CSV or JSONL into a store, with a rejects file.
import { constants, createWriteStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { ConfigError, formatProblems, InMemoryProfileStore, type ProfileStore } from '@arbiter/engine';
import {
  type ByteSource,
  fileSource,
  ImportError,
  type ImportFormat,
  type ImportSummary,
  importProfiles,
  jsonlRejects,
  loadMapping,
  type Mapping,
  type RejectSink,
} from '../import/index.js';
import { type RedisImportTarget, redisImportTarget } from '../import/redis-import-target.js';
import { progress } from './progress.js';

/** Exit codes: documented in packages/server/README.md. */
export const IMPORT_EXIT = { ok: 0, tooManyRejects: 1, unusable: 2, storeFailed: 3 } as const;

export interface ImportCommandOptions {
  mapping: string;
  format?: ImportFormat;
  rejects?: string;
  unknownColumns?: 'warn' | 'reject';
  /** Rejected rows tolerated before the exit code says so: a count, or a share of the rows as `"0.5%"`. */
  maxRejects?: string;
  json?: boolean;
  /** Import into Redis at this URL (RedisProfileStore keys `<prefix>profile:<subscriberId>`). */
  redis?: string;
  prefix?: string;
  /** Any other store (embedding, tests); the default is a throwaway in-memory store. */
  store?: ImportTarget;
}

/** Where profiles go, how the summary names it, and how to let go of it. */
export interface ImportTarget {
  store: ProfileStore;
  label: string;
  close?: () => Promise<void>;
}

export interface ImportCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: ImportCommandIo = { out: console.log, err: (line) => process.stderr.write(`${line}\n`) };

/** Files this large get progress on stderr; smaller ones finish before a progress line would help. */
const PROGRESS_FROM_BYTES = 1024 * 1024;

/** Runs an import and prints its summary; returns the exit code (IMPORT_EXIT). */
export async function importCommand(file: string, options: ImportCommandOptions, io = consoleIo): Promise<number> {
  let mapping: Mapping;
  try {
    mapping = await loadMapping(options.mapping);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${options.mapping}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    io.err(formatProblems(error.problems));
    return IMPORT_EXIT.unusable;
  }
  if (options.prefix !== undefined && !options.redis) {
    io.err('--prefix applies to --redis only');
    return IMPORT_EXIT.unusable;
  }
  const format = options.format ?? formatOf(file);
  if (!format) {
    io.err(`IMPORT_UNKNOWN_FORMAT  ${file}: give --format csv or --format jsonl (the extension does not say)`);
    return IMPORT_EXIT.unusable;
  }
  let source: ByteSource;
  try {
    source = await fileSource(file);
  } catch (error) {
    io.err(`IMPORT_FILE_UNREADABLE  ${file}: ${(error as Error).message}`);
    return IMPORT_EXIT.unusable;
  }

  const rejectsPath = options.rejects ?? `${basename(file, extname(file))}.rejects.jsonl`;
  try {
    await access(dirname(resolve(rejectsPath)), constants.W_OK);
  } catch {
    io.err(`IMPORT_REJECTS_UNWRITABLE  ${rejectsPath}: its directory does not exist or is not writable`);
    return IMPORT_EXIT.unusable;
  }
  const rejects = lazyRejects(rejectsPath);
  let target: ImportTarget;
  let redis: RedisImportTarget | undefined;
  try {
    if (options.store) target = options.store;
    else if (options.redis) {
      redis = await redisImportTarget({ redis: options.redis, ...(options.prefix ? { prefix: options.prefix } : {}) });
      target = redis;
    } else target = { store: new InMemoryProfileStore(), label: 'memory (a dry run: kept until exit)' };
  } catch (error) {
    io.err(`IMPORT_STORE_FAILED  cannot reach the store: ${(error as Error).message}`);
    return IMPORT_EXIT.storeFailed;
  }
  const bar = source.size >= PROGRESS_FROM_BYTES ? progress('import (bytes read)', source.size) : undefined;
  const started = performance.now();
  let summary: ImportSummary;
  try {
    summary = await importProfiles({
      source,
      format,
      mapping,
      store: target.store,
      rejects,
      ...(options.unknownColumns ? { unknownColumns: options.unknownColumns } : {}),
      ...(bar ? { onProgress: ({ bytes }: { bytes: number }) => bar.update(bytes), progressEvery: 1_000 } : {}),
    });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    io.err(`${error.code}  ${error.message}`);
    return IMPORT_EXIT.unusable;
  } finally {
    await target.close?.();
  }
  bar?.done(source.size);
  // Written even when empty, so a rejects file left by an earlier run never passes for this one's.
  await rejects.close();

  if (options.json) io.out(JSON.stringify({ ...summary, rejectsFile: rejectsPath, store: target.label }));
  else {
    printSummary(summary, { rejectsPath, store: target.label, mapping: options.mapping }, io.out);
    io.out(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const column of summary.unknownColumns)
    io.err(`warning: column "${column}" is neither mapped nor ignored by ${options.mapping}`);
  if (redis && redis.dropped > 0)
    io.err(
      `warning: ${redis.dropped} writes Redis refused were dropped at close (their rows are STORE_FAILED rejects)`,
    );

  if (summary.stopped) return IMPORT_EXIT.storeFailed;
  return summary.invalid > allowedRejects(options.maxRejects ?? '0', summary.rows)
    ? IMPORT_EXIT.tooManyRejects
    : IMPORT_EXIT.ok;
}

/** `csv` for .csv/.tsv/.txt, `jsonl` for .jsonl/.ndjson/.json; otherwise the caller must say. */
export function formatOf(file: string): ImportFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (['.csv', '.tsv', '.txt'].includes(ext)) return 'csv';
  if (['.jsonl', '.ndjson', '.json'].includes(ext)) return 'jsonl';
  return undefined;
}

/** `"12"` allows 12 rejected rows, `"0.5%"` half a percent of the rows read. */
export function allowedRejects(limit: string, rows: number): number {
  const text = limit.trim();
  if (text.endsWith('%')) return Math.floor((Number(text.slice(0, -1)) / 100) * rows);
  return Number(text);
}

/** A rejects file created on the first reject, or empty at close when there was none. */
function lazyRejects(path: string): RejectSink & { close(): Promise<void> } {
  let sink: ReturnType<typeof jsonlRejects> | undefined;
  const open = () => {
    sink ??= jsonlRejects(createWriteStream(path));
    return sink;
  };
  return {
    write: (reject) => open().write(reject),
    close: () => open().close(),
  };
}

function printSummary(
  summary: ImportSummary,
  where: { rejectsPath: string; store: string; mapping: string },
  out: (line: string) => void,
): void {
  const n = (value: number) => value.toLocaleString('en-US');
  out(`imported ${summary.source} (${summary.format}) with ${where.mapping} into ${where.store}`);
  out(
    `rows: ${n(summary.rows)} total, ${n(summary.valid)} valid, ${n(summary.invalid)} rejected` +
      (summary.blankLines > 0 ? ` (${n(summary.blankLines)} blank lines skipped)` : ''),
  );
  out(`rejects: ${where.rejectsPath} (${n(summary.invalid)} row${summary.invalid === 1 ? '' : 's'})`);
  if (summary.reasons.length > 0) {
    out('reasons:');
    for (const reason of summary.reasons.slice(0, 20))
      out(`  ${n(reason.count).padStart(8)}  ${reason.code.padEnd(14)}  ${reason.column ?? ''}`);
    if (summary.reasons.length > 20) out(`  ... ${summary.reasons.length - 20} more in the rejects file`);
  }
  if (summary.stopped)
    out(
      `stopped: ${summary.stopped.code} at line ${summary.stopped.line}: ${summary.stopped.message}; later rows not read`,
    );
  if (summary.sample) out(`first profile: ${JSON.stringify(summary.sample)}`);
}
