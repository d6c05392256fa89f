// A distributed campaign run's shared state in Redis: its keys, joining it, and the whole run's progress for any reader.
import type { Redis } from 'ioredis';
import { emptyCounts } from './report.js';
import type { RunCounts } from './run-types.js';
import { REGISTER_RUN } from './stream-scripts.js';

/** The consumer group every process of a run reads the work stream through. */
export const STREAM_GROUP = 'workers';
/** How long a run's keys stay after its last activity (7 days). */
export const DEFAULT_RETAIN_MS = 7 * 24 * 3_600_000;

/**
 * The keys of run `runId`. The `{runId}` hash tag puts them in one Redis Cluster slot, so the scripts that touch
 * several of them at once run on a cluster too.
 */
export interface StreamRunKeys {
  /** Stream: one entry per chunk of subscriber ids (`ids`: a JSON array); an entry is deleted once committed. */
  work: string;
  /** Hash: campaignId, configVersion, now, state (producing|produced), cursor (SCAN), total (ids produced). */
  meta: string;
  /** String: the consumer producing right now (SET NX PX, renewed while it produces). */
  producer: string;
  /** Set: the ids produced so far (dedupe: SCAN may return a key twice); deleted once produced. */
  seen: string;
  /** String: contacts claimed against the campaign's volume limit, run-wide (claimed before they are reserved). */
  volume: string;
  /** Hash: entries, scanned and skipped, counted on commit, run-wide. */
  counts: string;
  /** Hash: consumer name -> that process's runner counts (JSON), as it last reported them. */
  progress: string;
}

export function streamRunKeys(prefix: string, runId: string): StreamRunKeys {
  const base = `${prefix}campaign:{${runId}}:`;
  return {
    work: `${base}work`,
    meta: `${base}meta`,
    producer: `${base}producer`,
    seen: `${base}seen`,
    counts: `${base}counts`,
    progress: `${base}progress`,
    volume: `${base}volume`,
  };
}

/** What every process of a run must agree on. */
export interface StreamRunIdentity {
  runId: string;
  campaignId: string;
  configVersion: string;
  /** The run's decision time (epoch ms). */
  now: number;
}

export interface StreamRunMeta extends StreamRunIdentity {
  state: 'producing' | 'produced';
  /** Subscriber ids put on the stream so far (the whole population once produced). */
  total: number;
  createdAt: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/**
 * Creates run `runId` in Redis (its meta hash, work stream and consumer group) or joins it if it exists, and returns
 * what the run was created with. Rejects when the run belongs to another campaign or config version. A joining
 * process must decide at the returned `now` (pass it to `startCampaignRun`), not its own clock.
 *
 * @example
 * const run = await registerStreamRun(redis, { runId, campaignId, configVersion: config.version, now: Date.now() });
 * startCampaignRun(deps, { campaignId, now: run.now, source: new StreamSource({ redis, ...run }) });
 */
export async function registerStreamRun(
  redis: Redis,
  identity: StreamRunIdentity,
  options: { prefix?: string; retainMs?: number } = {},
): Promise<StreamRunMeta> {
  const { runId, campaignId, configVersion, now } = identity;
  if (!RUN_ID.test(runId)) throw new TypeError(`run id ${JSON.stringify(runId)} must match ${RUN_ID}`);
  if (!Number.isFinite(now)) throw new TypeError(`now must be epoch ms, got ${now}`);
  const keys = streamRunKeys(options.prefix ?? 'arbiter:', runId);
  const reply = (await REGISTER_RUN.run(
    redis,
    [keys.meta, keys.work],
    [campaignId, configVersion, now, STREAM_GROUP, Date.now(), options.retainMs ?? DEFAULT_RETAIN_MS],
  )) as string[];
  const meta = parseMeta(runId, pairs(reply));
  if (meta === undefined) throw new Error(`campaign run ${runId}: its meta hash in Redis is incomplete`);
  if (meta.campaignId !== campaignId || meta.configVersion !== configVersion) {
    throw new Error(
      `campaign run ${runId} is a run of ${meta.campaignId} at config ${meta.configVersion}; ` +
        `this process has ${campaignId} at config ${configVersion}`,
    );
  }
  return meta;
}

/** A distributed run as any process (or the HTTP API) sees it in Redis. */
export interface StreamRunStatus extends StreamRunMeta {
  /** Subscribers whose chunk was committed, by any process (skipped ones included). */
  done: number;
  /** Undecodable profiles skipped, run-wide. */
  skipped: number;
  /** Chunks on the stream that no process has taken yet. */
  waiting: number;
  /** Chunks taken and not yet committed. */
  working: number;
  /** Produced, and every chunk committed. */
  finished: boolean;
  /** Each process's runner counts as it last reported them (`StreamSource.report`), by consumer name. */
  byConsumer: Record<string, RunCounts>;
  /** The sum of `byConsumer`: the whole run's counts. */
  counts: RunCounts;
}

/**
 * The whole run's progress, read from Redis; undefined when there is no such run (or its keys have expired).
 *
 * @example const status = await readStreamRunCounts(redis, 'arbiter:', runId); // status.counts.sent, status.finished
 */
export async function readStreamRunCounts(
  redis: Redis,
  prefix: string,
  runId: string,
): Promise<StreamRunStatus | undefined> {
  const keys = streamRunKeys(prefix, runId);
  const replies = await redis
    .multi()
    .hgetall(keys.meta)
    .hgetall(keys.counts)
    .hgetall(keys.progress)
    .xlen(keys.work)
    .xpending(keys.work, STREAM_GROUP)
    .exec();
  const run = parseMeta(runId, (replies?.[0]?.[1] ?? {}) as Record<string, string>);
  // No run: the stream and its group are missing too, and XPENDING says so with an error.
  if (run === undefined) return undefined;
  const [, counts, progress, length, pending] = (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const done = counts as Record<string, string>;
  const byConsumer: Record<string, RunCounts> = {};
  for (const [consumer, json] of Object.entries(progress as Record<string, string>)) {
    byConsumer[consumer] = JSON.parse(json) as RunCounts;
  }
  const working = Number((pending as [number, ...unknown[]])[0] ?? 0);
  const waiting = Number(length) - working;
  return {
    ...run,
    done: Number(done.scanned ?? 0),
    skipped: Number(done.skipped ?? 0),
    waiting,
    working,
    finished: run.state === 'produced' && waiting === 0 && working === 0,
    byConsumer,
    counts: sumCounts(Object.values(byConsumer)),
  };
}

/** Runner counts added up across processes. */
export function sumCounts(all: readonly RunCounts[]): RunCounts {
  const sum = emptyCounts();
  const add = (into: Record<string, number>, from: Record<string, number | undefined>) => {
    for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + (value ?? 0);
  };
  for (const counts of all) {
    sum.scanned += counts.scanned;
    sum.inSegment += counts.inSegment;
    sum.sent += counts.sent;
    sum.control += counts.control;
    sum.dropped += counts.dropped;
    sum.skipped += counts.skipped ?? 0;
    add(sum.byAction, counts.byAction);
    add(sum.byReason as Record<string, number>, counts.byReason);
    add(sum.byChannel, counts.byChannel);
  }
  return sum;
}

function pairs(flat: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

function parseMeta(runId: string, hash: Record<string, string>): StreamRunMeta | undefined {
  const { campaignId, configVersion, now, state, total, createdAt } = hash;
  if (campaignId === undefined || configVersion === undefined || now === undefined) return undefined;
  return {
    runId,
    campaignId,
    configVersion,
    now: Number(now),
    state: state === 'produced' ? 'produced' : 'producing',
    total: Number(total ?? 0),
    createdAt: Number(createdAt ?? 0),
  };
}
