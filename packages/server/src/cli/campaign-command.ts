// `arbiter campaign run <id>`: one campaign run on a generated population in memory (as `serve`), or on the Redis
// stores; a progress bar on a terminal, plain lines otherwise; the report at the end; Ctrl-C cancels, resumable.

import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Channel, ConfigSnapshot } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import { Redis } from 'ioredis';
import { campaignService } from '../campaigns/campaign-service.js';
import type { RunProgress, RunReport } from '../campaigns/run-types.js';
import type { BatchContactHistory } from '../campaigns/store-source.js';
import { registerStreamRun } from '../campaigns/stream-run.js';
import { StreamSource } from '../campaigns/stream-source.js';
import { fileChannel } from '../channels/index.js';
import { createConfigManager } from '../config-manager/config-manager.js';
import { createRuntime, type Runtime } from '../runtime/runtime.js';
import type { RuntimeLogger } from '../runtime/runtime-parts.js';
import { configProblemsText, EXIT, progressText, reportText } from './campaign-report.js';
import { statusLine } from './progress.js';

export interface CampaignRunCommandOptions {
  rules: string;
  runs: string;
  dryRun?: boolean;
  resume?: string;
  workers?: number;
  count: number;
  seed: number;
  redis?: string;
  prefix?: string;
  /** Run as if started at this time (ISO 8601): decision time, send window and caps; the clock moves on from it. */
  now?: string;
  /**
   * Join (or start) run `shared`, split across every process given the same id through a Redis Streams consumer
   * group (needs `redis`). Each process writes its own share under `<runs>/<host>-<pid>/`.
   */
  shared?: string;
  json?: boolean;
}

export interface CampaignIo {
  /** Results (the report, JSON): stdout. */
  out: (line: string) => void;
  /** Progress and messages: stderr. */
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

const defaultIo = (): CampaignIo => ({ out: (line) => console.log(line), err: process.stderr });

/** Resume refusals: the command line named the wrong run, nothing ran. */
const BAD_RESUME = new Set(['CAMPAIGN_RUN_NOT_FOUND', 'CAMPAIGN_RESUME_REFUSED', 'CAMPAIGN_RUN_LOCKED']);

/**
 * Runs one campaign to its end and returns the exit code.
 * @example process.exitCode = await campaignRunCommand('fiber-upgrade-autumn', { rules: 'rules', runs: 'runs', count: 20_000, seed: 42, dryRun: true });
 */
export async function campaignRunCommand(
  campaignId: string,
  options: CampaignRunCommandOptions,
  io: CampaignIo = defaultIo(),
): Promise<number> {
  const say = (line: string) => io.err.write(`${line}\n`);
  if (options.dryRun && options.resume) {
    say('arbiter campaign run: --dry-run and --resume do not go together (dry runs are not resumed)');
    return EXIT.badInput;
  }
  if (options.shared !== undefined && (!options.redis || options.resume || options.dryRun)) {
    say('arbiter campaign run: --shared needs --redis, and goes with neither --resume nor --dry-run');
    return EXIT.badInput;
  }
  const start = options.now === undefined ? undefined : Date.parse(options.now);
  if (start !== undefined && Number.isNaN(start)) {
    say(`arbiter campaign run: --now "${options.now}" is not an ISO 8601 time`);
    return EXIT.badInput;
  }
  const runtime = await openRuntime(options, start, say);
  if (typeof runtime === 'number') return runtime;
  try {
    return await run(runtime, campaignId, options, io);
  } finally {
    await runtime.close();
  }
}

async function run(runtime: Runtime, campaignId: string, options: CampaignRunCommandOptions, io: CampaignIo) {
  const say = (line: string) => io.err.write(`${line}\n`);
  const shared = options.shared === undefined ? undefined : await joinShared(runtime, campaignId, options, say);
  if (typeof shared === 'number') return shared;
  const service = campaignService(runtime, {
    // A shared run's processes each keep their share in a directory of their own (a run directory is never reused).
    runsDir: shared ? join(options.runs, `${hostname()}-${process.pid}`) : options.runs,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const started = await service.start(campaignId, {
    dryRun: options.dryRun ?? false,
    ...(options.resume === undefined ? {} : { resume: options.resume }),
    ...(shared ? { runId: shared.runId, now: shared.now, source: shared.source } : {}),
    by: 'cli',
  });
  if (!started.ok) {
    say(`arbiter campaign run: ${started.code}: ${started.message}`);
    return started.code === 'CAMPAIGN_NOT_FOUND' ? EXIT.badInput : EXIT.failed;
  }
  const what = started.dryRun ? 'dry run' : options.resume ? 'resumed run' : 'run';
  say(`Campaign ${campaignId} ${what} ${started.runId} (config ${runtime.config.current().version})`);

  const status = statusLine(io.err);
  let phase: RunProgress['phase'] | undefined;
  const stop = await service.watch(started.runId, {
    progress: (progress) => {
      // A phase change is worth a line of its own in a log; the counts in between come every few seconds.
      status.update(progressText(progress), progress.phase !== phase);
      phase = progress.phase;
    },
    report: () => {},
  });
  let signalled: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      say(`${signal} again: exiting now; the checkpoint of the last committed chunk is kept`);
      process.exit(EXIT.cancelled);
    }
    signalled = signal;
    say(`\n${signal}: cancelling after the chunks in flight (the checkpoint is kept)...`);
    service.cancel(started.runId);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: RunReport;
  try {
    report = await started.done;
    if (shared) await shared.source.report(report.counts).catch(() => undefined);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stop?.();
    shared?.redis.disconnect();
  }
  status.end();
  io.out(options.json ? JSON.stringify(report, null, 2) : `\n${reportText(report)}`);
  if (report.phase === 'done') return EXIT.done;
  if (report.phase === 'cancelled') {
    say(`\nCancelled: ${report.counts.scanned.toLocaleString('en-US')} subscribers committed. Resume with:`);
    say(`  ${resumeCommand(campaignId, started.runId, options)}`);
    return EXIT.cancelled;
  }
  say(`\nThe run failed${report.errorCode ? ` (${report.errorCode})` : ''}: ${report.error ?? 'no reason given'}`);
  if (BAD_RESUME.has(report.errorCode ?? '')) return EXIT.badInput;
  if (!report.dryRun) say(`Its checkpoint is kept: ${resumeCommand(campaignId, started.runId, options)}`);
  return EXIT.failed;
}

/** The same command with `--resume <runId>`: the same rules, runs directory and population. */
export function resumeCommand(campaignId: string, runId: string, options: CampaignRunCommandOptions): string {
  const parts = ['arbiter campaign run', campaignId, '--resume', runId];
  if (options.rules !== 'rules') parts.push('--rules', options.rules);
  if (options.runs !== 'runs') parts.push('--runs', options.runs);
  if (options.redis) {
    parts.push('--redis', options.redis);
    if (options.prefix) parts.push('--prefix', options.prefix);
  } else parts.push('--count', String(options.count), '--seed', String(options.seed));
  if (options.workers !== undefined) parts.push('--workers', String(options.workers));
  if (options.now) parts.push('--now', options.now);
  return parts.join(' ');
}

/** The runtime on the rules, with the population or Redis; an exit code when it cannot be had. */
async function openRuntime(
  options: CampaignRunCommandOptions,
  start: number | undefined,
  say: (line: string) => void,
): Promise<Runtime | number> {
  let config: Awaited<ReturnType<typeof createConfigManager>>;
  try {
    config = await createConfigManager({ dir: options.rules });
  } catch (error) {
    say(`arbiter campaign run: ${configProblemsText(error, options.rules)}`);
    return EXIT.badInput;
  }
  // Sends of `output: channel` campaigns go to a file per channel: the CLI has no webhook to send to.
  const outbox = join(options.runs, 'outbox');
  try {
    await mkdir(outbox, { recursive: true });
    return await createRuntime({
      rulesDir: options.rules,
      config,
      ...(options.redis
        ? { redis: options.redis, ...(options.prefix ? { redisPrefix: options.prefix } : {}) }
        : { population: { count: options.count, seed: options.seed } }),
      ...(start === undefined ? {} : { clock: shiftedClock(start) }),
      channels: outboxChannels(config.current(), outbox),
      logger: stderrLogger(say),
    });
  } catch (error) {
    await config.close();
    say(`arbiter campaign run: could not start: ${errorMessage(error)}`);
    return EXIT.failed;
  }
}

/** A clock that reads `start` now and moves on in real time. */
function shiftedClock(start: number): () => number {
  const offset = start - Date.now();
  return () => Date.now() + offset;
}

function outboxChannels(config: ConfigSnapshot, dir: string): Channel[] {
  const channels: Channel[] = [];
  for (const [name, policy] of config.policy.channels) {
    if (policy.direction === 'outbound') channels.push(fileChannel({ name, path: join(dir, `${name}.jsonl`) }));
  }
  return channels;
}

/**
 * Warnings and errors as short lines on stderr. Info (each run start) stays out of the way, and so do the service's
 * lines about the run itself (they carry its runId): the command prints the run's end in its own words.
 */
function stderrLogger(say: (line: string) => void): RuntimeLogger {
  const line = (level: string) => (details: object, message?: string) => {
    if ('runId' in details) return;
    say(`${level}: ${message ?? ''} ${JSON.stringify(details, (_k, v) => (v instanceof Error ? v.message : v))}`);
  };
  return { info: () => {}, warn: line('warn'), error: line('error') };
}

/** Registers (or joins) the shared run in Redis and opens this process's consumer of it. */
async function joinShared(
  runtime: Runtime,
  campaignId: string,
  options: CampaignRunCommandOptions,
  say: (line: string) => void,
): Promise<{ runId: string; now: number; source: StreamSource; redis: Redis } | number | undefined> {
  const config = runtime.config.current();
  // Nothing to join for an unknown campaign: the service's start refuses it (CAMPAIGN_NOT_FOUND, the known ids).
  if (!config.campaignById.has(campaignId)) return undefined;
  const prefix = options.prefix ?? 'arbiter:';
  const redis = new Redis(options.redis as string, { lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    await redis.connect();
    const runId = options.shared as string;
    const now = runtime.clock(); // --now already set the runtime clock
    const meta = await registerStreamRun(redis, { runId, campaignId, configVersion: config.version, now }, { prefix });
    const source = new StreamSource({
      redis,
      prefix,
      ...meta,
      // The run's own history (its loadMany also sees records still buffered here); else read Redis directly.
      ...(isBatch(runtime.history) ? { history: runtime.history } : {}),
      log: (message) => say(`arbiter campaign run: ${message}`),
    });
    say(
      `Shared run ${runId}: this process is consumer ${source.consumer}, deciding at ${new Date(meta.now).toISOString()}`,
    );
    return { runId, now: meta.now, source, redis };
  } catch (error) {
    redis.disconnect();
    say(`arbiter campaign run: could not join shared run ${options.shared}: ${errorMessage(error)}`);
    return EXIT.badInput;
  }
}

function isBatch(history: Runtime['history']): history is Runtime['history'] & BatchContactHistory {
  return typeof (history as Partial<BatchContactHistory>).loadMany === 'function';
}
