// Runs read back from the runs directory: every run's checkpoint, and its report once it ended.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FILE, type Checkpoint, REPORT_FILE, readCheckpoint, readJson } from './checkpoint.js';
import { restoreCounts } from './report.js';
import type { RunProgress, RunReport } from './run-types.js';

/** A run as found in `<runsDir>/<campaignId>/<runId>/`. */
export interface StoredRun {
  runId: string;
  campaignId: string;
  dir: string;
  checkpoint: Checkpoint;
  /** `report.json`, written when the run ended (done, failed or cancelled); a resumed run rewrites it. */
  report?: RunReport;
}

/**
 * Every run in `runsDir` (of one campaign when `campaignId` is given), newest first. A missing directory is no runs;
 * a run directory without a readable checkpoint is left out.
 *
 * @example const [latest] = await listRuns('runs', 'fiber-upgrade-autumn');
 */
export async function listRuns(runsDir: string, campaignId?: string): Promise<StoredRun[]> {
  const campaigns = campaignId === undefined ? await subdirectories(runsDir) : [campaignId];
  const runs: StoredRun[] = [];
  for (const campaign of campaigns) {
    for (const runId of await subdirectories(join(runsDir, campaign))) {
      const run = await readRunDir(join(runsDir, campaign, runId)).catch(() => undefined);
      if (run) runs.push(run);
    }
  }
  // Run ids start with their UTC start time, so their order is the start order.
  return runs.sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/** One run by id, whichever campaign it belongs to; undefined when there is none. */
export async function readRun(runsDir: string, runId: string): Promise<StoredRun | undefined> {
  if (!isPlainName(runId)) return undefined;
  for (const campaign of await subdirectories(runsDir)) {
    const run = await readRunDir(join(runsDir, campaign, runId)).catch(() => undefined);
    if (run) return run;
  }
  return undefined;
}

/** A stored run as the API shows it: its report when it ended, else its last checkpoint as progress. */
export function storedProgress(run: StoredRun): RunProgress | RunReport {
  if (run.report && run.report.phase === run.checkpoint.status) return run.report;
  const { checkpoint } = run;
  return {
    runId: checkpoint.runId,
    campaignId: checkpoint.campaignId,
    phase: checkpoint.status,
    dryRun: checkpoint.dryRun,
    counts: restoreCounts(checkpoint.counts),
    total: checkpoint.total,
    rate: 0,
    etaMs: undefined,
  };
}

async function readRunDir(dir: string): Promise<StoredRun | undefined> {
  const checkpoint = await readCheckpoint(dir);
  if (!checkpoint) return undefined;
  const run: StoredRun = { runId: checkpoint.runId, campaignId: checkpoint.campaignId, dir, checkpoint };
  const report = await readJson<RunReport>(join(dir, REPORT_FILE)).catch(() => undefined);
  if (report) run.report = report;
  return run;
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && isPlainName(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A single path segment: never `..` or a separator, so an id from a request cannot leave the runs directory. */
function isPlainName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..') && name !== CHECKPOINT_FILE;
}
