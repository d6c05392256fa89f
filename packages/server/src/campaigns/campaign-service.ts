// The server's registry of campaign runs: starts runs on the runtime's stores (one live run per campaign), keeps and
// fans out their progress, reads finished runs back from the runs directory, and schedules campaigns at their times.
import { type CompiledCampaign, errorMessage } from '@arbiter/engine';
import type { Runtime } from '../runtime/runtime.js';
import { CampaignRunError } from './campaign-run-errors.js';
import { liveBrief, liveView, type RunView, storedBrief, storedView } from './campaign-run-views.js';
import { startCampaignRun } from './campaign-runner.js';
import { type Scheduler, startScheduler, type Timers } from './campaign-scheduler.js';
import type { CampaignErrorCode } from './campaign-service-errors.js';
import { type CampaignSummary, campaignSummary } from './campaign-summary.js';
import { newRunId } from './checkpoint.js';
import type { CampaignLeases } from './run-lease.js';
import { listRuns, readRun } from './run-store.js';
import type {
  CampaignRun,
  CampaignRunDeps,
  CampaignRunOptions,
  RunProgress,
  RunReport,
  WorkSource,
} from './run-types.js';

export type { RunBrief, RunView } from './campaign-run-views.js';
export type { CampaignSummary } from './campaign-summary.js';

/** What the service needs of the runtime. */
export type CampaignRuntime = Pick<
  Runtime,
  | 'rulesDir'
  | 'config'
  | 'profiles'
  | 'history'
  | 'decisionLog'
  | 'channels'
  | 'clock'
  | 'logger'
  | 'audit'
  | 'onClose'
  | 'claimOnce'
  | 'campaignLeases'
>;

/** How long a claim on a scheduled run's time is kept (servers' clocks and start-ups differ by far less). */
const SCHEDULE_CLAIM_MS = 24 * 3_600_000;

export interface CampaignServiceOptions {
  /** Where run directories live (default `runs`). */
  runsDir?: string;
  /** Start each scheduled campaign at its cron times (default false; `arbiter serve` turns it on). */
  schedule?: boolean;
  /** Worker threads per run (default: the runner's, `os.availableParallelism()`); 0 decides on the main thread. */
  workers?: number;
  /** Subscribers per chunk (default: the runner's). */
  chunkSize?: number;
  /** Default: the runtime's clock. */
  clock?: () => number;
  /** Default: Node's, unref'd. */
  timers?: Timers;
  /** The runner (tests put a fake here). */
  start?: (deps: CampaignRunDeps, options: CampaignRunOptions) => CampaignRun;
}

/** What a watcher hears: each progress update, then the report once. */
export interface RunListener {
  progress(progress: RunProgress): void;
  report(report: RunReport): void;
}

export interface StartRequest {
  dryRun?: boolean;
  /** Resume this run from its checkpoint. */
  resume?: string;
  /** Who asked (a caller label, `scheduler`, `cli`): audited for real runs. */
  by?: string;
  /** The run's decision time (default: the clock at start). */
  now?: number;
  /** The id of a new run (a run shared by several processes: each passes the same one). */
  runId?: string;
  /** Where the subscribers come from (a Redis Streams consumer group for a shared run; default: the profile store). */
  source?: WorkSource;
}

export type StartResult =
  | { ok: true; runId: string; campaignId: string; dryRun: boolean; done: Promise<RunReport> }
  | { ok: false; code: CampaignErrorCode; message: string; field?: string; runId?: string };

export interface CampaignService {
  readonly runsDir: string;
  /** Every campaign of the running config with its next scheduled start and its live and last runs. */
  list(): Promise<CampaignSummary[]>;
  /**
   * Starts a run; refused when the campaign is unknown, already has a live run (on this server, or a real run on
   * another server sharing the Redis stores), or lacks its channel. Rejects once the service is closed.
   */
  start(campaignId: string, request?: StartRequest): Promise<StartResult>;
  /** Cancels a live run (it stops after the chunks in flight; its checkpoint lets it resume); false if not live. */
  cancel(runId: string): boolean;
  /** A live run's progress, or a stored run's report (or last checkpoint); undefined when there is none. */
  get(runId: string): Promise<RunView | undefined>;
  /**
   * Calls `listener` on every progress update and once with the report; a finished run gets its report at once.
   * Resolves with the function that stops listening, or undefined for an unknown run.
   */
  watch(runId: string, listener: RunListener): Promise<(() => void) | undefined>;
  /** The next scheduled start of each campaign (empty without the schedule). */
  scheduled(): ReadonlyMap<string, number>;
  /** Cancels live runs (their checkpoints stay: they can be resumed), waits for them, clears the timers. */
  close(): Promise<void>;
}

interface LiveRun {
  run: CampaignRun;
  /** The lease renewal of a real run on shared stores. */
  renewal?: ReturnType<typeof setInterval>;
  startedAt: string;
  latest: RunProgress | undefined;
  listeners: Set<RunListener>;
}

/** A resume refused before the run started: the run directory is as it was, so its stored state is the truth. */
const REFUSALS = new Set([
  'CAMPAIGN_RUN_NOT_FOUND',
  'CAMPAIGN_RESUME_REFUSED',
  'CAMPAIGN_RULES_CHANGED',
  'CAMPAIGN_RUN_LOCKED',
]);

/** Reports of runs that ended in this process, newest last: a watcher arriving just after the end still gets one. */
const RECENT_REPORTS = 50;

/**
 * @example
 * const campaigns = createCampaignService(runtime, { runsDir: 'runs', schedule: true });
 * const started = campaigns.start('fiber-upgrade-autumn', { dryRun: true, by: 'alice' });
 */
export function createCampaignService(runtime: CampaignRuntime, options: CampaignServiceOptions = {}): CampaignService {
  const runsDir = options.runsDir ?? 'runs';
  const clock = options.clock ?? runtime.clock;
  const start = options.start ?? startCampaignRun;
  const liveByRun = new Map<string, LiveRun>();
  const liveByCampaign = new Map<string, LiveRun>();
  /** Campaigns whose start waits for their lease: a second start meanwhile is refused as if the run were live. */
  const starting = new Set<string>();
  /** Lease releases under way: closing waits for them, so a restarted server is not refused its own last run. */
  const releasing = new Set<Promise<void>>();
  const recent = new Map<string, RunReport>();
  let closed = false;

  const campaigns = (): readonly CompiledCampaign[] => runtime.config.current().campaigns;
  const find = (id: string) => campaigns().find((c) => c.id === id);

  async function startRun(campaignId: string, request: StartRequest = {}): Promise<StartResult> {
    const campaign = find(campaignId);
    if (!campaign) {
      const known = campaigns().map((c) => c.id);
      return {
        ok: false,
        code: 'CAMPAIGN_NOT_FOUND',
        message: `no campaign ${campaignId}; known: ${known.length > 0 ? known.join(', ') : '(none)'}`,
        field: 'id',
      };
    }
    const active = liveByCampaign.get(campaignId);
    if (active) {
      return {
        ok: false,
        code: 'CAMPAIGN_RUN_ACTIVE',
        message: `campaign ${campaignId} has a run in progress: ${active.run.runId}`,
        runId: active.run.runId,
      };
    }
    if (starting.has(campaignId)) {
      return { ok: false, code: 'CAMPAIGN_RUN_ACTIVE', message: `campaign ${campaignId} has a run starting` };
    }
    const dryRun = request.dryRun ?? false;
    const runId = request.resume ?? request.runId ?? newRunId(clock());
    // A real run on shared stores holds the campaign's lease while it goes: no other server starts one meanwhile.
    // A dry run sends nothing and takes none.
    const leases = dryRun ? undefined : runtime.campaignLeases;
    if (leases) {
      const refused = await holdLease(leases, campaignId, runId);
      if (refused) return refused;
    }
    // Made before the runner starts: it tells its first progress from inside startCampaignRun.
    const live: Omit<LiveRun, 'run'> = {
      startedAt: new Date(clock()).toISOString(),
      latest: undefined,
      listeners: new Set(),
    };
    const onProgress = (progress: RunProgress) => {
      live.latest = progress;
      for (const listener of live.listeners) safely(() => listener.progress(progress));
    };
    let run: CampaignRun;
    try {
      run = start(
        {
          rulesDir: runtime.rulesDir,
          config: runtime.config.current(),
          profiles: runtime.profiles,
          history: runtime.history,
          channels: runtime.channels(),
          decisionLog: runtime.decisionLog,
          clock,
        },
        {
          campaignId,
          dryRun,
          runsDir,
          onProgress,
          runId,
          ...(request.resume === undefined ? {} : { resume: request.resume }),
          ...(request.now === undefined ? {} : { now: request.now }),
          ...(request.source === undefined ? {} : { source: request.source }),
          ...(options.workers === undefined ? {} : { workers: options.workers }),
          ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
        },
      );
    } catch (error) {
      if (leases) releaseLease(leases, campaignId, runId);
      if (
        error instanceof CampaignRunError &&
        (error.code === 'CAMPAIGN_NOT_FOUND' || error.code === 'CAMPAIGN_NO_CHANNEL')
      ) {
        return { ok: false, code: error.code, message: error.message };
      }
      throw error;
    }
    const entry: LiveRun = Object.assign(live, { run });
    liveByRun.set(run.runId, entry);
    liveByCampaign.set(campaignId, entry);
    if (leases) entry.renewal = renewLease(leases, campaignId, runId, run);
    const by = request.by ?? 'unknown';
    if (!dryRun) {
      runtime.audit.record({
        who: by,
        action: 'campaign.run',
        detail: { campaignId, runId: run.runId, ...(request.resume ? { resumed: request.resume } : {}) },
      });
    }
    runtime.logger.info({ campaignId, runId: run.runId, dryRun, by }, 'campaign run started');
    // A run is done once its lease is free: the scheduler arms the campaign's next time on `done`, and a start that
    // came before the release reached Redis was refused as the same campaign's live run.
    const done = run.done.then(async (report) => {
      if (leases) {
        clearInterval(entry.renewal);
        await releaseLease(leases, campaignId, runId);
      }
      liveByRun.delete(run.runId);
      if (liveByCampaign.get(campaignId) === entry) liveByCampaign.delete(campaignId);
      if (!(request.resume && REFUSALS.has(report.errorCode ?? ''))) {
        recent.set(run.runId, report);
        if (recent.size > RECENT_REPORTS) recent.delete(recent.keys().next().value as string);
      }
      for (const listener of entry.listeners) safely(() => listener.report(report));
      entry.listeners.clear();
      const { sent, control, dropped, scanned } = report.counts;
      const fields = { campaignId, runId: run.runId, dryRun, phase: report.phase, scanned, sent, control, dropped };
      if (report.phase === 'failed') runtime.logger.error({ ...fields, error: report.error }, 'campaign run failed');
      else runtime.logger.info(fields, `campaign run ${report.phase}`);
      return report;
    });
    return { ok: true, runId: run.runId, campaignId, dryRun, done };
  }

  /** Takes the campaign's lease for the run; a refusal when another run holds it or the store cannot answer. */
  async function holdLease(
    leases: CampaignLeases,
    campaignId: string,
    runId: string,
  ): Promise<Extract<StartResult, { ok: false }> | undefined> {
    starting.add(campaignId);
    try {
      const answer = await leases.hold(campaignId, runId);
      if (!answer.held) {
        return {
          ok: false,
          code: 'CAMPAIGN_RUN_ACTIVE',
          message: `campaign ${campaignId} has a run in progress on another server: ${answer.runId}`,
          runId: answer.runId,
        };
      }
    } catch (error) {
      return {
        ok: false,
        code: 'CAMPAIGN_LEASE_UNAVAILABLE',
        message: `the campaign's run lease could not be taken, so the run did not start: ${errorMessage(error)}`,
      };
    } finally {
      starting.delete(campaignId);
    }
    if (closed) {
      releaseLease(leases, campaignId, runId);
      throw new Error('the campaign service is closed');
    }
    return undefined;
  }

  /**
   * Renews a live run's hold every third of the lease's time to live. A hold found taken by another run (this
   * server could not renew for longer than the time to live) cancels this run: its checkpoint stays, and two runs
   * of one campaign would be worse than one stopped. A renewal the store cannot answer is logged and tried again.
   */
  function renewLease(leases: CampaignLeases, campaignId: string, runId: string, run: CampaignRun) {
    const fields = { campaignId, runId };
    const timer = setInterval(
      () => {
        leases.hold(campaignId, runId).then(
          (answer) => {
            if (answer.held) return;
            clearInterval(timer);
            runtime.logger.error(
              { ...fields, other: answer.runId },
              `campaign run cancelled: its lease was lost to run ${answer.runId}`,
            );
            run.cancel();
          },
          (error: unknown) =>
            runtime.logger.warn({ ...fields, err: errorMessage(error) }, 'campaign lease not renewed'),
        );
      },
      Math.max(1, Math.floor(leases.ttlMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /** Lets go of the lease (never rejects); one the store cannot release lapses after its time to live. */
  function releaseLease(leases: CampaignLeases, campaignId: string, runId: string): Promise<void> {
    const release: Promise<void> = leases
      .release(campaignId, runId)
      .catch((error: unknown) => {
        runtime.logger.warn({ campaignId, runId, err: errorMessage(error) }, 'campaign lease not released');
      })
      .finally(() => releasing.delete(release));
    releasing.add(release);
    return release;
  }

  const { claimOnce } = runtime;
  const scheduler: Scheduler | undefined = options.schedule
    ? startScheduler({
        campaigns,
        clock,
        timers: options.timers,
        // Servers sharing the Redis stores each run the scheduler: the first to claim a campaign's time starts it.
        ...(claimOnce && {
          claim: (id: string, at: number) =>
            claimOnce(`campaign-schedule:${id}:${new Date(at).toISOString()}`, SCHEDULE_CLAIM_MS),
        }),
        start: async (id) => {
          const started = await startRun(id, { by: 'scheduler' });
          return started.ok ? { done: started.done } : { refused: started.message };
        },
        // Arming is not logged: it happens at start-up, before the app's logger is in place (the banner says it).
        log: (event) => {
          const at = new Date(event.at).toISOString();
          if (event.kind === 'skipped') {
            runtime.logger.warn({ campaignId: event.campaignId, at }, `scheduled run skipped: ${event.reason}`);
          } else if (event.kind === 'started') {
            runtime.logger.info({ campaignId: event.campaignId, at }, 'scheduled run started');
          }
        },
      })
    : undefined;
  const stopListening = runtime.config.onChange((event) => {
    if (event.kind !== 'rejected') scheduler?.rearm();
  });

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    stopListening();
    scheduler?.stop();
    const running = [...liveByRun.values()];
    for (const live of running) live.run.cancel();
    await Promise.allSettled(running.map((live) => live.run.done));
    await Promise.allSettled([...releasing]);
  }
  runtime.onClose(close);

  const progressOf = (live: LiveRun) => live.latest ?? live.run.progress();

  async function get(runId: string): Promise<RunView | undefined> {
    const live = liveByRun.get(runId);
    if (live) return liveView(progressOf(live));
    const report = recent.get(runId);
    if (report) return liveView(report, report);
    const stored = await readRun(runsDir, runId).catch(() => undefined);
    return stored && storedView(stored);
  }

  return {
    runsDir,
    async list() {
      const stored = await listRuns(runsDir).catch(() => []);
      const now = clock();
      const next = scheduler?.next();
      return campaigns().map((campaign) => {
        const live = liveByCampaign.get(campaign.id);
        // listRuns is newest first.
        const last = stored.find((r) => r.campaignId === campaign.id && r.runId !== live?.run.runId);
        return campaignSummary(campaign, {
          nextRun: next?.get(campaign.id) ?? campaign.nextRun(now),
          ...(live ? { activeRun: liveBrief(progressOf(live), live.startedAt) } : {}),
          ...(last ? { lastRun: storedBrief(last) } : {}),
        });
      });
    },
    async start(campaignId, request) {
      if (closed) throw new Error('the campaign service is closed');
      return startRun(campaignId, request);
    },
    cancel(runId) {
      const live = liveByRun.get(runId);
      live?.run.cancel();
      return live !== undefined;
    },
    get,
    async watch(runId, listener) {
      const live = liveByRun.get(runId);
      if (live) {
        live.listeners.add(listener);
        const latest = progressOf(live);
        safely(() => listener.progress(latest));
        return () => live.listeners.delete(listener);
      }
      const view = await get(runId);
      if (!view) return undefined;
      if (view.report) listener.report(view.report);
      else listener.progress(view.progress);
      return () => {};
    },
    scheduled: () => scheduler?.next() ?? new Map(),
    close,
  };
}

/** A listener's fault (a closed socket, say) never reaches the run or the other listeners. */
function safely(call: () => void): void {
  try {
    call();
  } catch {
    // The listener's own business: the SSE route ends its stream on errors.
  }
}

const services = new WeakMap<object, CampaignService>();

/**
 * The runtime's campaign service, made on first use (`arbiter serve` makes it first, with its runs directory and
 * the schedule on). Closed with the runtime.
 * @example const campaigns = campaignService(runtime, { runsDir: 'runs', schedule: true });
 */
export function campaignService(runtime: CampaignRuntime, options?: CampaignServiceOptions): CampaignService {
  let service = services.get(runtime);
  if (!service) {
    service = createCampaignService(runtime, options);
    services.set(runtime, service);
  }
  return service;
}
