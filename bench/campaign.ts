// Benchmark: a campaign over 1 million generated subscribers on the demo playbook, decided and written, in memory and
// from Redis, against the baseline of the same decisions made one after another on one thread in the same run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CompiledCampaign,
  type ConfigSnapshot,
  type ContactHistory,
  createCampaignDecider,
  generatePopulation,
  InMemoryContactHistory,
  InMemoryProfileStore,
  type Profile,
  type ProfileStore,
} from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import { Redis } from 'ioredis';
import { startCampaignRun } from '../packages/server/src/campaigns/campaign-runner.js';
import type { RunReport } from '../packages/server/src/campaigns/run-types.js';
import { encodeProfile } from '../packages/server/src/redis/profile-store-codec.js';
import { redisStores } from '../packages/server/src/runtime/redis-stores.js';
import { startRedisServer } from '../packages/server/test/redis-server.js';
import type { BenchResult, BenchRow } from './types.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));

export interface CampaignBenchOptions {
  /** Subscribers in the population (default 1,000,000). */
  count?: number;
  /** Which campaign of rules/campaigns.yaml (default: the one whose segment is widest on a sample). */
  campaignId?: string;
  /** Subscribers decided one after another for the baseline (default 50,000). */
  baselineCount?: number;
  /** Also run from Redis (default true). */
  redis?: boolean;
}

/**
 * The moment the runs and the baseline decide at: Monday 2026-11-23, 10:00 in Amsterdam, inside every demo
 * campaign's send window, so a run started at night does not wait for the window to open (it would, as it should).
 */
const BENCH_MOMENT = Date.parse('2026-11-23T09:00:00Z');

/** A clock that starts at BENCH_MOMENT and runs at the real pace. */
function benchClock(): () => number {
  const offset = BENCH_MOMENT - Date.now();
  return () => Date.now() + offset;
}

/** The 60-second target for 1 million subscribers, as subscribers per second. */
const TARGET_PER_SEC = 1_000_000 / 60;

export async function benchCampaign(options: CampaignBenchOptions = {}): Promise<BenchResult> {
  const count = options.count ?? 1_000_000;
  const config = await loadConfigDir(RULES);
  const log = (line: string) => console.error(`[campaign bench] ${line}`);
  log(`generating ${count.toLocaleString('en-US')} subscribers`);
  const population: Profile[] = [...generatePopulation({ seed: 42, count })];
  const campaign = pickCampaign(config, population, options.campaignId);
  log(`campaign ${campaign.id} on ${campaign.spec.channel}`);

  const rows: BenchRow[] = [];
  const baseline = await baselineRate(config, campaign, population.slice(0, options.baselineCount ?? 50_000));
  rows.push({ case: 'baseline: the same decisions, one thread, no I/O', opsPerSec: baseline, note: 'subscribers/s' });

  const memory = await timedRun(
    'in memory',
    config,
    campaign,
    new InMemoryProfileStore(population),
    () => {
      return new InMemoryContactHistory({ horizonMs: config.policy.horizonMs });
    },
    count,
  );
  rows.push(memory.row);
  log(memory.row.note ?? '');

  let fromRedis: Awaited<ReturnType<typeof timedRun>> | undefined;
  if (options.redis !== false) {
    const server = await startRedisServer();
    const stores = await redisStores({
      url: server.url,
      prefix: 'bench:',
      horizonMs: config.policy.horizonMs,
      dedupeTtlMs: 60_000,
      log,
    });
    try {
      log('writing the population to Redis');
      const t0 = performance.now();
      // Pipelined SETs in the store's own encoding: the store's fail-fast client would buffer a flood of puts.
      const writer = new Redis(server.url);
      for (let i = 0; i < population.length; i += 5_000) {
        const pipeline = writer.pipeline();
        for (const p of population.slice(i, i + 5_000))
          pipeline.set(`bench:profile:${p.subscriberId}`, encodeProfile(p));
        await pipeline.exec();
      }
      const stored = await writer.dbsize();
      writer.disconnect();
      if (stored < population.length) throw new Error(`only ${stored} of ${population.length} profiles in Redis`);
      log(`written in ${Math.round(performance.now() - t0)} ms`);
      population.length = 0;
      fromRedis = await timedRun('from Redis', config, campaign, stores.profiles, () => stores.history, count);
      rows.push(fromRedis.row);
      log(fromRedis.row.note ?? '');
    } finally {
      await stores.close();
      await server.stop();
    }
  }

  const ratios: BenchResult['ratios'] = [
    { name: 'in memory: subscribers/s vs the 60 s target', value: memory.rate / TARGET_PER_SEC, target: 1 },
    { name: 'in memory: subscribers/s vs the one-thread baseline', value: memory.rate / baseline },
    { name: 'in memory: seconds for the population', value: memory.report.durationMs / 1000 },
    { name: 'in memory: CPU µs per subscriber (all threads)', value: memory.cpuUsPerSubscriber, better: 'lower' },
  ];
  if (fromRedis) {
    ratios.push(
      { name: 'from Redis: subscribers/s vs the 60 s target', value: fromRedis.rate / TARGET_PER_SEC, target: 1 },
      { name: 'from Redis: subscribers/s vs the one-thread baseline', value: fromRedis.rate / baseline },
      { name: 'from Redis: seconds for the population', value: fromRedis.report.durationMs / 1000 },
      {
        name: 'from Redis: CPU µs per subscriber (this process)',
        value: fromRedis.cpuUsPerSubscriber,
        better: 'lower',
      },
    );
  }
  return { name: `campaign (${count.toLocaleString('en-US')} subscribers, ${campaign.id})`, rows, ratios };
}

/** The campaign whose segment holds the most of a 5,000 sample: the heaviest work per run. */
function pickCampaign(config: ConfigSnapshot, population: readonly Profile[], id?: string): CompiledCampaign {
  if (id !== undefined) {
    const found = config.campaignById.get(id);
    if (!found) throw new Error(`no campaign "${id}" in ${RULES}`);
    return found;
  }
  const sample = population.slice(0, 5_000);
  let best: { campaign: CompiledCampaign; hits: number } | undefined;
  for (const campaign of config.campaigns) {
    const hits = sample.filter((p) => campaign.segment?.test({ ...p, channel: campaign.spec.channel }) ?? true).length;
    if (!best || hits > best.hits) best = { campaign, hits };
  }
  if (!best) throw new Error(`no campaigns in ${RULES}`);
  return best.campaign;
}

async function baselineRate(config: ConfigSnapshot, campaign: CompiledCampaign, sample: readonly Profile[]) {
  const decider = createCampaignDecider(config);
  const run = { runId: 'baseline', now: BENCH_MOMENT };
  for (const profile of sample.slice(0, 2_000)) await decider.decide(campaign, run, profile, []);
  const t0 = performance.now();
  for (const profile of sample) await decider.decide(campaign, run, profile, []);
  return sample.length / ((performance.now() - t0) / 1000);
}

async function timedRun(
  label: string,
  config: ConfigSnapshot,
  campaign: CompiledCampaign,
  profiles: ProfileStore,
  history: () => ContactHistory,
  expected: number,
) {
  const runsDir = await mkdtemp(join(tmpdir(), 'arbiter-campaign-bench-'));
  try {
    const cpu0 = process.cpuUsage();
    const run = startCampaignRun(
      { rulesDir: RULES, config, profiles, history: history(), channels: [], clock: benchClock() },
      { campaignId: campaign.id, runsDir },
    );
    const report: RunReport = await run.done;
    const cpu = process.cpuUsage(cpu0);
    if (report.phase !== 'done') throw new Error(`${label}: the run ended ${report.phase}: ${report.error ?? ''}`);
    if (report.counts.scanned !== expected)
      throw new Error(`${label}: scanned ${report.counts.scanned} of ${expected}`);
    const { scanned, sent, control, dropped } = report.counts;
    const rate = scanned / (report.durationMs / 1000);
    const cpuUsPerSubscriber = (cpu.user + cpu.system) / scanned;
    const note = `${scanned.toLocaleString('en-US')} in ${(report.durationMs / 1000).toFixed(1)} s: ${sent} sent, ${control} control, ${dropped} dropped`;
    const row: BenchRow = { case: `campaign run, ${label}, worker threads, results file`, opsPerSec: rate, note };
    return { report, rate, cpuUsPerSubscriber, row };
  } finally {
    await rm(runsDir, { recursive: true, force: true });
  }
}
