// A run's checkpoint: what a resumed run needs to carry on exactly where the last committed chunk left off.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunCounts, RunPhase } from './run-types.js';

export const CHECKPOINT_FILE = 'checkpoint.json';
export const REPORT_FILE = 'report.json';

/** `checkpoint.json` in the run directory, rewritten (atomically) after every chunk committed in order. */
export interface Checkpoint {
  status: RunPhase;
  campaignId: string;
  runId: string;
  configVersion: string;
  /** The run's decision time (epoch ms), kept by every resumption. */
  now: number;
  dryRun: boolean;
  /** The source position after the last chunk committed; absent before the first. */
  position?: string;
  counts: RunCounts;
  /** The results file's name in the run directory. */
  results: string;
  /** Bytes of the results file that belong to committed chunks: a resumption truncates the file to this. */
  resultsOffset: number;
  /** Where the results went: the results file's path, or `channel:<name>`. */
  output: string;
  /** The population size when the source knows it. */
  total?: number;
  resumed: number;
  startedAt: string;
  updatedAt: string;
  /** Milliseconds the run spent running in its earlier sessions (before the latest resumption). */
  activeMs: number;
  error?: string;
  errorCode?: string;
}

/** `<runsDir>/<campaignId>/<runId>` */
export function runDirOf(runsDir: string, campaignId: string, runId: string): string {
  return join(runsDir, campaignId, runId);
}

/**
 * A run id that sorts by start time and is unique: the UTC start to the second, then 4 random base-36 characters.
 * @example newRunId(Date.UTC(2026, 10, 22, 10, 15)) // '20261122T101500Z-k3x9'
 */
export function newRunId(at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  let suffix = '';
  for (const byte of randomBytes(4)) suffix += (byte % 36).toString(36);
  return `${stamp}-${suffix}`;
}

/** Writes the checkpoint to a temporary file, then renames it over the old one: a reader never sees half of it. */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  await writeAtomically(join(dir, CHECKPOINT_FILE), JSON.stringify(checkpoint, null, 2));
}

/** The checkpoint in `dir`, or undefined when there is none. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  return readJson<Checkpoint>(join(dir, CHECKPOINT_FILE));
}

export async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${text}\n`);
  await rename(temp, path);
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}
