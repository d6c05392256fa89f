// The first checkpoint of a run: a new run's, or a resumed run's after the checks that it may carry on.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CampaignRunError } from './campaign-run-errors.js';
import { type Checkpoint, readCheckpoint } from './checkpoint.js';
import { emptyCounts } from './report.js';
import { readRun } from './run-store.js';

export interface RunStart {
  runsDir: string;
  /** `<runsDir>/<campaignId>/<runId>` */
  dir: string;
  campaignId: string;
  runId: string;
  configVersion: string;
  dryRun: boolean;
  /** The results file's name in the run directory. */
  results: string;
  /** Where the results go when not to the file: `channel:<name>`. */
  output: string | undefined;
  /** The decision time of a new run. */
  now: number;
  /** The time to stamp on the checkpoint. */
  at: number;
}

/** Creates the run directory (never an existing one) and the run's first checkpoint. */
export async function startCheckpoint(start: RunStart): Promise<Checkpoint> {
  await mkdir(dirname(start.dir), { recursive: true });
  await mkdir(start.dir); // EEXIST rather than writing into another run's directory
  const at = new Date(start.at).toISOString();
  return {
    status: 'starting',
    campaignId: start.campaignId,
    runId: start.runId,
    configVersion: start.configVersion,
    now: start.now,
    dryRun: start.dryRun,
    counts: emptyCounts(),
    results: start.results,
    resultsOffset: 0,
    output: start.output ?? join(start.dir, start.results),
    resumed: 0,
    startedAt: at,
    updatedAt: at,
    activeMs: 0,
  };
}

/**
 * The checkpoint a resumed run carries on from. Refuses (and changes nothing on disk) a run that does not exist,
 * belongs to another campaign, already finished, was a dry run, or was made under other rules, and a dry run.
 */
export async function resumeCheckpoint(start: RunStart): Promise<Checkpoint> {
  const id = start.runId;
  if (start.dryRun) throw new CampaignRunError('CAMPAIGN_RESUME_REFUSED', `a dry run cannot resume run ${id}`);
  // Run directories are per campaign: a run of another campaign is found by its id alone.
  const saved = (await readCheckpoint(start.dir)) ?? (await readRun(start.runsDir, id))?.checkpoint;
  if (!saved) throw new CampaignRunError('CAMPAIGN_RUN_NOT_FOUND', `no checkpoint of run ${id} in ${start.dir}`);
  const refuse = (why: string) => new CampaignRunError('CAMPAIGN_RESUME_REFUSED', `run ${id} ${why}`);
  if (saved.campaignId !== start.campaignId) {
    throw refuse(`belongs to campaign "${saved.campaignId}", not "${start.campaignId}"`);
  }
  if (saved.dryRun) throw refuse('was a dry run; dry runs are not resumed');
  if (saved.status === 'done') throw refuse('already finished');
  if (saved.configVersion !== start.configVersion) {
    throw new CampaignRunError(
      'CAMPAIGN_RULES_CHANGED',
      `rules changed since the run started: run ${id} was made under config ${saved.configVersion}, the rules are now ${start.configVersion}`,
    );
  }
  const resumed: Checkpoint = { ...saved, resumed: saved.resumed + 1, updatedAt: new Date(start.at).toISOString() };
  delete resumed.error;
  delete resumed.errorCode;
  return resumed;
}
