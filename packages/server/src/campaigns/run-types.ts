// The shapes of a campaign run: where its work comes from, its progress, and its report.
import type { CampaignAction, CampaignDropReason, ContactRecord, Profile } from '@arbiter/engine';

/** One subscriber's input to a campaign decision: the profile and the contact history the policy reads. */
export interface WorkItem {
  profile: Profile;
  history: readonly ContactRecord[];
}

/**
 * A chunk of work. `position` is opaque to the runner: the source's resume point *after* this chunk (a count of
 * profiles read for the in-memory store, a SCAN cursor for Redis, a stream entry id for a consumer group).
 */
export interface WorkChunk {
  /** 0, 1, 2, ... in the order the source produced them; the runner commits chunks in this order. */
  seq: number;
  items: WorkItem[];
  position: string;
  /** Profiles the source skipped (read but unusable: undecodable); counted, never silently lost. */
  skipped?: number;
  /**
   * The chunk's subscribers with their profiles still encoded as the store keeps them, decoded on the worker threads
   * rather than on the coordinator (the Redis store source). When present, `items` is empty.
   */
  encoded?: EncodedItems;
}

/** Subscribers whose profiles are still msgpack bytes (the Redis profile store's format: `decodeProfile`). */
export interface EncodedItems {
  subscriberIds: string[];
  /** `profiles[i]` is `subscriberIds[i]`'s. */
  profiles: Uint8Array[];
  histories: (readonly ContactRecord[])[];
}

/** Where a run's subscribers come from. */
export interface WorkSource {
  /** The whole population when known up front (progress shows a percentage and an ETA), else undefined. */
  readonly total: number | undefined;
  /** Starts reading after `position` (a chunk's `position` from an earlier run), or from the beginning. */
  open(position?: string): Promise<void>;
  /** The next chunk, or undefined when the population is exhausted. */
  next(): Promise<WorkChunk | undefined>;
  /**
   * The run-wide volume ledger when several processes share the run (a consumer group); absent, the runner counts
   * the volume limit from its own counts.
   */
  readonly volume?: VolumeLedger;
  /** Called once a chunk's results are written and its checkpoint saved (a consumer group acknowledges it here). */
  commit(chunk: WorkChunk): Promise<void>;
  close(): Promise<void>;
}

/** A run's volume limit as a shared budget: contacts are claimed before they are reserved. */
export interface VolumeLedger {
  /** Takes up to `want` of what is left under `limit`; resolves with how many were granted (0 when none is left). */
  claim(want: number, limit: number): Promise<number>;
  /** Gives back volume claimed but not used (a contact a cap refused). */
  release(count: number): Promise<void>;
}

export type RunPhase = 'starting' | 'running' | 'waiting-for-window' | 'done' | 'failed' | 'cancelled';

/** Counts a run keeps; the report and every progress event carry them. */
export interface RunCounts {
  /** Profiles read from the source. */
  scanned: number;
  /** In the segment. */
  inSegment: number;
  /** Contacted (reserved and written or delivered); in a dry run: would have been. */
  sent: number;
  /** Held out as the control group (decided, recorded, not contacted). */
  control: number;
  dropped: number;
  /** Sent actions by action id. */
  byAction: Record<string, number>;
  /** Dropped subscribers by reason (NOT_IN_SEGMENT included). */
  byReason: Partial<Record<CampaignDropReason, number>>;
  /** Sent actions by channel. */
  byChannel: Record<string, number>;
  /** Profiles the source read but could not use (undecodable); part of `scanned`, never silently lost. */
  skipped: number;
}

export interface RunProgress {
  runId: string;
  campaignId: string;
  phase: RunPhase;
  dryRun: boolean;
  counts: RunCounts;
  /** Population size when the source knows it. */
  total: number | undefined;
  /** Subscribers per second since the start (or the resumption). */
  rate: number;
  /** Milliseconds left at the current rate, when the total is known. */
  etaMs: number | undefined;
  /** When waiting for the send window: when it opens (ISO 8601). */
  waitingUntil?: string;
}

export interface RunReport extends RunProgress {
  configVersion: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Times this run was resumed from its checkpoint. */
  resumed: number;
  /** Where the results went: a file path, or `channel:<name>`. */
  output: string;
  /** Why it failed, when `phase` is failed. */
  error?: string;
  /** The code of that error (campaignRunErrors in campaign-run-errors.ts). */
  errorCode?: string;
}

/** One line of a results file. */
export interface ResultLine {
  runId: string;
  campaignId: string;
  subscriberId: string;
  status: 'sent' | 'control' | 'dropped';
  reason?: CampaignDropReason;
  decisionId?: string;
  actions?: CampaignAction[];
  msisdn?: string;
  /** More on a drop (the cap that refused, the delivery error), or on actions that could not be sent. */
  detail?: string;
}

/**
 * What a run needs from the runtime. Implemented by `startCampaignRun` in `campaign-runner.ts`:
 *
 *   startCampaignRun(deps: CampaignRunDeps, options: CampaignRunOptions): CampaignRun
 *
 * and the run directories are read back by `listRuns(runsDir)` / `readRun(runsDir, runId)` in `run-store.ts`.
 */
export interface CampaignRunDeps {
  /** The rules directory: worker threads build their config from it and check its version against `config`. */
  rulesDir: string;
  config: import('@arbiter/engine').ConfigSnapshot;
  profiles: import('@arbiter/engine').ProfileStore;
  history: import('@arbiter/engine').ContactHistory;
  /** Outbound channels, for campaigns whose output is `channel`. */
  channels: readonly import('@arbiter/engine').Channel[];
  /**
   * Where sent campaign decisions are remembered, so an outcome (a click, a reject) reported later against the
   * decision id is recorded in contact history like any other (default: none; the server passes its decision log).
   */
  decisionLog?: import('@arbiter/engine').DecisionLog;
  clock?: () => number;
  /** Waits `ms` (for the send window); resolves early when `signal` aborts (a cancel). Tests pass a fake one. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface CampaignRunOptions {
  campaignId: string;
  /** Decide and write results, reserve nothing, send nothing. */
  dryRun?: boolean;
  /** Resume this run from its checkpoint (its campaign must be `campaignId`). */
  resume?: string;
  /**
   * The id of a new run (default: a fresh sortable id). Processes sharing one distributed run (a Redis Streams
   * consumer group) pass the same id, so every one of them makes the same stable decision ids.
   */
  runId?: string;
  /** Where run directories live (default `runs`). */
  runsDir?: string;
  /** Worker threads (default `os.availableParallelism()`); 0 decides on the main thread (tests, tiny runs). */
  workers?: number;
  /** Subscribers per chunk (default 1,000). */
  chunkSize?: number;
  /** Where the subscribers come from (default: a scan of `deps.profiles` with histories from `deps.history`). */
  source?: WorkSource;
  /** Told at start, after every committed chunk (throttled to about 10 per second), and at the end. */
  onProgress?: (progress: RunProgress) => void;
  /** The run's decision time (default: the clock at start; a resumed run keeps its original one). */
  now?: number;
  /** The worker thread's entry module (default `campaign-worker.ts`); tests wrap it to inject faults. */
  workerEntry?: URL;
}

export interface CampaignRun {
  readonly runId: string;
  readonly campaignId: string;
  /** The latest progress. */
  progress(): RunProgress;
  /** Resolves with the report when the run ends (done, failed or cancelled); never rejects. */
  readonly done: Promise<RunReport>;
  /** Stops after the chunks in flight are committed; the checkpoint lets `resume` carry on later. */
  cancel(): void;
}
