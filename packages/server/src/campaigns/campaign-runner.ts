// A campaign run: the coordinator that reads the population in chunks, has worker threads decide them, commits the
// outcomes in order (reserve, send, write), checkpoints after every chunk, and can be resumed after a crash.

import { join } from 'node:path';
import type { CampaignOutcome, Channel, CompiledCampaign } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import { CampaignRunError } from './campaign-run-errors.js';
import { type Checkpoint, newRunId, REPORT_FILE, runDirOf, writeAtomically, writeCheckpoint } from './checkpoint.js';
import { type CommitContext, commitOutcomes } from './chunk-commit.js';
import { ReadAhead } from './read-ahead.js';
import { copyCounts, emptyCounts, progressOf, RunMeter, reportOf, restoreCounts } from './report.js';
import { lockRun, type RunLock } from './run-lock.js';
import { type RunStart, resumeCheckpoint, startCheckpoint } from './run-start.js';
import type {
  CampaignRun,
  CampaignRunDeps,
  CampaignRunOptions,
  RunCounts,
  RunPhase,
  RunProgress,
  RunReport,
  WorkChunk,
  WorkSource,
} from './run-types.js';
import { abortableSleep, waitForSendWindow } from './send-window-wait.js';
import { openResultsFile, type ResultsFile } from './sinks.js';
import { storeSource } from './store-source.js';
import { createPool, type DecisionPool } from './worker-pool.js';
import { chunkSize } from './worker-protocol.js';

/** Progress events at most this often between chunks (start, phase changes and the end are always told). */
const PROGRESS_EVERY_MS = 100;

/**
 * Starts a run of one campaign over every subscriber of the source (default: a scan of `deps.profiles`).
 * Throws CAMPAIGN_NOT_FOUND or CAMPAIGN_NO_CHANNEL at once; anything later ends the run with a failed report:
 * `done` never rejects. A failed, cancelled or killed run keeps its checkpoint and can be resumed (`options.resume`).
 *
 * - Chunks are committed in source order, after the send window opened (a dry run does not wait for it).
 * - On resume, subscribers reserved after the last checkpoint come back `already-sent` from a shared contact history
 *   (Redis) and are written (or sent) again under the same idempotency keys, never reserved twice. With the engine's
 *   in-memory history, which dies with the process, they are decided again: the results file, cut back to the
 *   checkpoint, is then the record of the run.
 *
 * @example
 * const run = startCampaignRun({ rulesDir: 'rules', config, profiles, history, channels }, { campaignId: 'fiber-upgrade-autumn' });
 * run.done.then((report) => console.log(report.phase, report.counts.sent));
 */
export function startCampaignRun(deps: CampaignRunDeps, options: CampaignRunOptions): CampaignRun {
  const clock = deps.clock ?? Date.now;
  const campaign = deps.config.campaignById.get(options.campaignId);
  if (!campaign) {
    throw new CampaignRunError(
      'CAMPAIGN_NOT_FOUND',
      `no campaign "${options.campaignId}" in config ${deps.config.version}`,
    );
  }
  const dryRun = options.dryRun ?? false;
  let channel: Channel | undefined;
  if (campaign.spec.output === 'channel' && !dryRun) {
    channel = deps.channels.find((c) => c.name === campaign.spec.channel);
    if (!channel) {
      throw new CampaignRunError(
        'CAMPAIGN_NO_CHANNEL',
        `campaign "${campaign.id}" sends on ${campaign.spec.channel}, and no outbound channel "${campaign.spec.channel}" is configured`,
      );
    }
  }
  if (options.resume !== undefined && options.runId !== undefined && options.resume !== options.runId) {
    throw new CampaignRunError('CAMPAIGN_RESUME_REFUSED', `resume ${options.resume} and runId ${options.runId} differ`);
  }
  const runId = options.resume ?? options.runId ?? newRunId(clock());
  const runner = new Runner(deps, options, campaign, runId, dryRun, channel);
  return {
    runId,
    campaignId: campaign.id,
    progress: () => runner.progress(),
    done: runner.run().catch((error: unknown) => runner.crashed(error)),
    cancel: () => runner.cancel(),
  };
}

class Runner {
  readonly #deps: CampaignRunDeps;
  readonly #options: CampaignRunOptions;
  readonly #campaign: CompiledCampaign;
  readonly #runId: string;
  readonly #dryRun: boolean;
  readonly #channel: Channel | undefined;
  readonly #clock: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #meter = new RunMeter(() => performance.now());
  readonly #abort = new AbortController();
  #phase: RunPhase = 'starting';
  #counts: RunCounts = emptyCounts();
  #total: number | undefined;
  #waitingUntil: number | undefined;
  #lastProgress = Number.NEGATIVE_INFINITY;
  #cancelled = false;
  /** The checkpoint as last written: a failure is recorded over it, so it never claims an uncommitted chunk. */
  #saved: Checkpoint | undefined;

  constructor(
    deps: CampaignRunDeps,
    options: CampaignRunOptions,
    campaign: CompiledCampaign,
    runId: string,
    dryRun: boolean,
    channel: Channel | undefined,
  ) {
    this.#deps = deps;
    this.#options = options;
    this.#campaign = campaign;
    this.#runId = runId;
    this.#dryRun = dryRun;
    this.#channel = channel;
    this.#clock = deps.clock ?? Date.now;
    this.#sleep = deps.sleep ?? abortableSleep;
  }

  progress(): RunProgress {
    const input = {
      runId: this.#runId,
      campaignId: this.#campaign.id,
      phase: this.#phase,
      dryRun: this.#dryRun,
      counts: this.#counts,
      total: this.#total,
    };
    return progressOf(
      this.#waitingUntil === undefined ? input : { ...input, waitingUntil: this.#waitingUntil },
      this.#meter,
    );
  }

  /** The report of a run that ended on a bug of its own (`done` never rejects). */
  crashed(error: unknown): RunReport {
    this.#phase = 'failed';
    return this.#report('failed', errorMessage(error), 'CAMPAIGN_OUTPUT_FAILED');
  }

  #report(phase: RunPhase, error: string | undefined, errorCode: string | undefined): RunReport {
    const saved = this.#saved;
    const finishedAt = this.#clock();
    return reportOf({
      runId: this.#runId,
      campaignId: this.#campaign.id,
      phase,
      dryRun: this.#dryRun,
      counts: this.#counts,
      total: this.#total,
      configVersion: saved?.configVersion ?? this.#deps.config.version,
      startedAt: saved?.startedAt ?? new Date(finishedAt).toISOString(),
      finishedAt,
      durationMs: (saved?.activeMs ?? 0) + this.#meter.elapsed(),
      resumed: saved?.resumed ?? 0,
      output: saved?.output ?? '',
      ...(error !== undefined && { error }),
      ...(errorCode !== undefined && { errorCode }),
    });
  }

  cancel(): void {
    this.#cancelled = true;
    this.#abort.abort();
  }

  async run(): Promise<RunReport> {
    this.#meter.start(0);
    this.#tell(true);
    const dir = runDirOf(this.#options.runsDir ?? 'runs', this.#campaign.id, this.#runId);
    let checkpoint: Checkpoint;
    let lock: RunLock | undefined;
    try {
      const start: RunStart = {
        runsDir: this.#options.runsDir ?? 'runs',
        dir,
        campaignId: this.#campaign.id,
        runId: this.#runId,
        configVersion: this.#deps.config.version,
        dryRun: this.#dryRun,
        results: `results.${this.#format()}`,
        output: this.#channel ? `channel:${this.#channel.name}` : undefined,
        now: this.#options.now ?? this.#clock(),
        at: this.#clock(),
      };
      if (this.#options.resume === undefined) {
        checkpoint = await startCheckpoint(start);
        lock = await lockRun(dir, this.#clock);
      } else {
        // The lock first, so two processes cannot both resume the run; a missing directory is for the resume
        // check to name (the run may be another campaign's, found by its id).
        lock = await lockRun(dir, this.#clock).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return undefined;
          throw error;
        });
        checkpoint = await resumeCheckpoint(start);
      }
    } catch (error) {
      await lock?.release();
      // Nothing of the run directory was touched: a refused resume leaves the run as it was.
      return this.#end(undefined, 'failed', error);
    }
    this.#saved = checkpoint;
    this.#counts = restoreCounts(checkpoint.counts);
    this.#total = checkpoint.total;
    this.#meter.start(this.#counts.scanned);
    let results: ResultsFile | undefined;
    let source: WorkSource | undefined;
    let pool: DecisionPool | undefined;
    let status: RunPhase = 'failed';
    let failure: unknown;
    try {
      pool = createPool({
        workers: this.#options.workers,
        entry: this.#options.workerEntry,
        config: this.#deps.config,
        rulesDir: this.#deps.rulesDir,
        campaign: this.#campaign,
        run: { runId: this.#runId, now: checkpoint.now },
      });
      source = this.#options.source ?? storeSource(this.#deps.profiles, this.#deps.history, this.#chunkSize());
      const opening = source.open(checkpoint.position).catch((error: unknown) => {
        throw new CampaignRunError(
          'CAMPAIGN_SOURCE_FAILED',
          `the population could not be read: ${errorMessage(error)}`,
          {
            cause: error,
          },
        );
      });
      const resumeAt = this.#options.resume === undefined ? undefined : checkpoint.resultsOffset;
      results = await openResultsFile(join(dir, checkpoint.results), this.#format(), resumeAt);
      await Promise.all([opening, pool.ready()]);
      this.#total = source.total;
      this.#saved = { ...checkpoint, resultsOffset: results.offset, total: this.#total, status: 'running' };
      await writeCheckpoint(dir, this.#saved);
      this.#phase = 'running';
      this.#tell(true);
      status = await this.#loop(dir, checkpoint, source, pool, results);
    } catch (error) {
      failure = error;
    } finally {
      await Promise.allSettled([pool?.close(), source?.close(), results?.close()]);
    }
    try {
      return await this.#end(dir, status, failure);
    } finally {
      await lock?.release();
    }
  }

  /** Reads, decides and commits until the population is exhausted, the run is cancelled, or something fails. */
  async #loop(
    dir: string,
    start: Checkpoint,
    source: WorkSource,
    pool: DecisionPool,
    results: ResultsFile,
  ): Promise<RunPhase> {
    const ctx: CommitContext = {
      config: this.#deps.config,
      campaign: this.#campaign,
      history: this.#deps.history,
      runId: this.#runId,
      now: start.now,
      dryRun: this.#dryRun,
      channel: this.#channel,
      decisionLog: this.#deps.decisionLog,
      volume: source.volume,
    };
    const ahead = new ReadAhead(source, (chunk) => pool.decide(chunk), pool.capacity + 1);
    try {
      for (;;) {
        if (this.#cancelled) await ahead.stop();
        const head = await ahead.next();
        if (!head) return ahead.exhausted ? 'done' : 'cancelled';
        const outcomes = await head.outcomes;
        if (!this.#dryRun && !(await this.#waitForWindow(dir))) return 'cancelled';
        await this.#commit(dir, ctx, head.chunk, outcomes, source, results);
      }
    } finally {
      await ahead.stop();
    }
  }

  async #commit(
    dir: string,
    ctx: CommitContext,
    chunk: WorkChunk,
    outcomes: CampaignOutcome[],
    source: WorkSource,
    results: ResultsFile,
  ): Promise<void> {
    const counts = copyCounts(this.#counts);
    const lines = await commitOutcomes(ctx, outcomes, counts);
    const skipped = chunk.skipped ?? 0;
    counts.scanned += chunkSize(chunk) + skipped;
    counts.skipped += skipped;
    const saved = this.#saved!;
    try {
      await results.append(lines);
      const next: Checkpoint = {
        ...saved,
        status: 'running',
        position: chunk.position,
        counts,
        resultsOffset: results.offset,
      };
      next.updatedAt = new Date(this.#clock()).toISOString();
      await writeCheckpoint(dir, next);
      this.#saved = next;
    } catch (error) {
      throw new CampaignRunError(
        'CAMPAIGN_OUTPUT_FAILED',
        `writing the results of chunk ${chunk.seq} failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    this.#counts = counts;
    await source.commit(chunk);
    this.#tell(false);
  }

  /** Waits while the send window is closed (phase waiting-for-window); false when the run was cancelled meanwhile. */
  #waitForWindow(dir: string): Promise<boolean> {
    return waitForSendWindow({
      campaign: this.#campaign,
      clock: this.#clock,
      sleep: this.#sleep,
      signal: this.#abort.signal,
      closed: async (opensAt) => {
        this.#phase = 'waiting-for-window';
        this.#waitingUntil = opensAt;
        if (this.#saved) {
          const at = new Date(this.#clock()).toISOString();
          this.#saved = { ...this.#saved, status: 'waiting-for-window', updatedAt: at };
          await writeCheckpoint(dir, this.#saved);
        }
        this.#tell(true);
      },
      opened: () => {
        this.#phase = 'running';
        this.#waitingUntil = undefined;
        this.#tell(true);
      },
    });
  }

  #chunkSize(): { chunkSize?: number } {
    return this.#options.chunkSize === undefined ? {} : { chunkSize: this.#options.chunkSize };
  }

  #format(): 'jsonl' | 'csv' {
    return this.#campaign.spec.output === 'csv' ? 'csv' : 'jsonl';
  }

  /** Records how the run ended (checkpoint and report.json when the run got that far) and tells the last progress. */
  async #end(dir: string | undefined, status: RunPhase, failure: unknown): Promise<RunReport> {
    if (failure !== undefined) status = 'failed';
    else if (status === 'cancelled' || this.#cancelled) status = status === 'done' ? 'done' : 'cancelled';
    this.#phase = status;
    this.#waitingUntil = undefined;
    const saved = this.#saved;
    const error = failure === undefined ? undefined : errorMessage(failure);
    const errorCode =
      failure instanceof CampaignRunError ? failure.code : failure === undefined ? undefined : 'CAMPAIGN_OUTPUT_FAILED';
    const report = this.#report(status, error, errorCode);
    const durationMs = report.durationMs;
    if (dir && saved) {
      const last: Checkpoint = { ...saved, status, activeMs: durationMs, updatedAt: report.finishedAt };
      if (error !== undefined) last.error = error;
      if (errorCode !== undefined) last.errorCode = errorCode;
      try {
        await writeCheckpoint(dir, last);
        await writeAtomically(join(dir, REPORT_FILE), JSON.stringify(report, null, 2));
      } catch (writeError) {
        report.error = `${report.error ? `${report.error}; ` : ''}the checkpoint could not be saved: ${errorMessage(writeError)}`;
      }
    }
    this.#tell(true, report);
    return report;
  }

  /** Tells the progress: always when `force`, else at most every PROGRESS_EVERY_MS. A listener's throw is ignored. */
  #tell(force: boolean, progress?: RunProgress): void {
    const listener = this.#options.onProgress;
    if (!listener) return;
    const at = performance.now();
    if (!force && at - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = at;
    try {
      listener(progress ?? this.progress());
    } catch {
      // The run does not depend on who is watching it.
    }
  }
}
