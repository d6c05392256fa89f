// The kill test: a campaign run in its own process is killed (SIGKILL) half way and resumed in a new process. Every
// subscriber in the segment ends up in the results exactly once, as in an uninterrupted run, and (on Redis) each
// contact of the run is recorded exactly once.
//
// With the engine's in-memory contact history, the history dies with the process: the resumed run cannot see what
// was reserved after the last checkpoint, and decides those subscribers again. The results file (cut back to the
// checkpoint) is then the record of the run; a send that must not repeat needs a shared history (Redis).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generatePopulation } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCampaignRun } from '../src/campaigns/campaign-runner.js';
import { readCheckpoint } from '../src/campaigns/checkpoint.js';
import type { ResultLine, RunReport } from '../src/campaigns/run-types.js';
import { encodeProfile } from '../src/redis/profile-store-codec.js';
import { type CampaignRules, campaignRules, memoryDeps, readResults } from './fixtures/campaign-fixture.js';
import { deletePrefix, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const CHILD = fileURLToPath(new URL('./fixtures/campaign-run-child.ts', import.meta.url));
const COUNT = 20_000;
const SEED = 7;
const CAMPAIGN = 'email-fiber';

let rules: CampaignRules;
/** The uninterrupted run's lines, by subscriber. */
let reference: Map<string, ResultLine>;

beforeAll(async () => {
  rules = await campaignRules();
  const report = await startCampaignRun(memoryDeps(rules, COUNT), {
    campaignId: CAMPAIGN,
    runsDir: join(rules.scratch, 'reference'),
    workers: 0,
  }).done;
  expect(report.phase).toBe('done');
  reference = new Map((await readResults(report.output)).map((line) => [line.subscriberId, line]));
}, 120_000);

/** Every child started, so a failing test leaves none running. */
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
  await rules.cleanup();
});

interface Child {
  process: ChildProcess;
  runId: Promise<string>;
  ended: Promise<RunReport | undefined>;
}

/** The tsx command line (`npx tsx`), or node with tsx's loader: worker threads must start under both. */
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');
const launchers = { tsx: [TSX_CLI], 'node --import tsx': ['--import', 'tsx'] };

function startChild(options: Record<string, unknown>, launcher: keyof typeof launchers): Child {
  // A process group of its own: the tsx command line runs the script in a child process, and the kill must reach it.
  const child = spawn(process.execPath, [...launchers[launcher], CHILD, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.push(child);
  let runId: (id: string) => void = () => {};
  let ended: (report: RunReport | undefined) => void = () => {};
  const started = new Promise<string>((resolve) => {
    runId = resolve;
  });
  const finished = new Promise<RunReport | undefined>((resolve) => {
    ended = resolve;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as { event: string; runId?: string; report?: RunReport };
    if (event.event === 'started') runId(event.runId!);
    if (event.event === 'ended') ended(event.report);
  });
  child.on('exit', () => ended(undefined));
  return { process: child, runId: started, ended: finished };
}

/** Waits until the run's checkpoint shows `chunks` committed chunks, then kills the process outright. */
async function killMidway(child: Child, runsDir: string, minScanned: number): Promise<number> {
  const runId = await child.runId;
  const dir = join(runsDir, CAMPAIGN, runId);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const checkpoint = await readCheckpoint(dir).catch(() => undefined);
    if (checkpoint && checkpoint.counts.scanned >= minScanned) {
      expect(checkpoint.status).toBe('running');
      const exited = once(child.process, 'exit');
      process.kill(-child.process.pid!, 'SIGKILL');
      await exited;
      return checkpoint.counts.scanned;
    }
    if (child.process.exitCode !== null) throw new Error('the run ended before it could be killed');
    if (Date.now() > deadline) throw new Error('the run committed no chunk in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every in-segment subscriber exactly once, each with the uninterrupted run's outcome. */
function expectSameAsReference(lines: ResultLine[]): void {
  const seen = new Set<string>();
  for (const line of lines) {
    expect(seen.has(line.subscriberId), `${line.subscriberId} twice`).toBe(false);
    seen.add(line.subscriberId);
    const expected = reference.get(line.subscriberId);
    expect(expected, `${line.subscriberId} not in the uninterrupted run`).toBeDefined();
    expect([line.status, line.reason, line.actions?.map((a) => a.actionId)]).toEqual([
      expected!.status,
      expected!.reason,
      expected!.actions?.map((a) => a.actionId),
    ]);
  }
  expect(seen.size).toBe(reference.size);
}

describe('a campaign run killed with SIGKILL and resumed in a new process', () => {
  it('in memory: the results hold every subscriber of the segment exactly once', { timeout: 180_000 }, async () => {
    const runsDir = join(rules.scratch, 'memory');
    const options = {
      rulesDir: rules.rulesDir,
      runsDir,
      campaignId: CAMPAIGN,
      count: COUNT,
      seed: SEED,
      workers: 2,
      chunkSize: 200,
    };
    const first = startChild({ ...options, delayMs: 25 }, 'tsx');
    const killedAt = await killMidway(first, runsDir, 2_000);
    expect(killedAt).toBeLessThan(COUNT);
    const runId = await first.runId;

    const second = startChild({ ...options, resume: runId }, 'tsx');
    const report = await second.ended;
    expect(report).toMatchObject({ phase: 'done', resumed: 1, runId });
    expect(report!.counts.scanned).toBe(COUNT);
    expect(report!.counts.inSegment).toBe(reference.size);
    expectSameAsReference(await readResults(report!.output));
  });

  it('on Redis: each contact of the run is recorded exactly once, and the results match', {
    timeout: 180_000,
  }, async () => {
    const prefix = testPrefix('campaign-kill');
    const redis: Redis = await connect(inject('redisUrl'), { commandTimeout: 10_000 });
    try {
      let pipeline = redis.pipeline();
      let n = 0;
      for (const profile of generatePopulation({ seed: SEED, count: COUNT })) {
        pipeline.set(`${prefix}profile:${profile.subscriberId}`, encodeProfile(profile));
        if (++n % 2_000 === 0) {
          await pipeline.exec();
          pipeline = redis.pipeline();
        }
      }
      await pipeline.exec();

      const runsDir = join(rules.scratch, 'redis');
      const options = {
        rulesDir: rules.rulesDir,
        runsDir,
        campaignId: CAMPAIGN,
        count: COUNT,
        seed: SEED,
        workers: 2,
        chunkSize: 200,
        redis: { url: inject('redisUrl'), prefix },
      };
      const first = startChild({ ...options, delayMs: 60 }, 'node --import tsx');
      const killedAt = await killMidway(first, runsDir, 2_000);
      expect(killedAt).toBeLessThan(COUNT);
      const runId = await first.runId;

      const second = startChild({ ...options, resume: runId }, 'node --import tsx');
      const report = await second.ended;
      expect(report).toMatchObject({ phase: 'done', resumed: 1, runId });
      expect(report!.counts.scanned).toBe(COUNT);
      const lines = await readResults(report!.output);
      expectSameAsReference(lines);

      // Redis holds one record of this run per contacted subscriber, and none for anyone else.
      const decisionPrefix = `cmp:${CAMPAIGN}:${runId}:`;
      const recorded = new Map<string, number>();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}contacts:*`, 'COUNT', 1_000);
        cursor = next;
        const members = await Promise.all(keys.map((key) => redis.zrange(key, 0, -1)));
        keys.forEach((key, i) => {
          for (const member of members[i]!) {
            const decisionId = (JSON.parse(member) as unknown[])[2] as string;
            if (!decisionId.startsWith(decisionPrefix)) continue;
            const id = key.slice(`${prefix}contacts:`.length);
            recorded.set(id, (recorded.get(id) ?? 0) + 1);
          }
        });
      } while (cursor !== '0');
      const sent = lines.filter((l) => l.status === 'sent');
      expect(sent.length).toBeGreaterThan(500);
      expect(recorded.size).toBe(sent.length);
      for (const line of sent) expect(recorded.get(line.subscriberId), line.subscriberId).toBe(1);
    } finally {
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
