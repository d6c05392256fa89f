// Two processes run one campaign through the Redis Streams consumer group: every subscriber decided once, e-mailed at most once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Checkpoint } from '../src/campaigns/checkpoint.js';
import type { ResultLine, RunReport } from '../src/campaigns/run-types.js';
import { readStreamRunCounts, STREAM_GROUP, streamRunKeys } from '../src/campaigns/stream-run.js';
import type { StreamSourceOptions, StreamSourceStats } from '../src/campaigns/stream-source.js';
import { decodeContact } from '../src/redis/contact-history-codec.js';
import { writePopulation } from './fixtures/campaign-stream-population.js';
import { deletePrefix, testPrefix } from './fixtures/contact-config.js';
import { connect } from './fixtures/contact-redis.js';

const WORKER = fileURLToPath(new URL('./fixtures/campaign-stream-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CAMPAIGN = 'stream-e2e';
const POPULATION = 3_000;
let redis: Redis;
let dir: string;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connect(inject('redisUrl'), { commandTimeout: 10_000 });
  dir = await mkdtemp(join(tmpdir(), 'arbiter-campaign-stream-'));
});

afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

interface WorkerResult {
  report: RunReport;
  stats: StreamSourceStats;
}

interface Worker {
  name: string;
  child: ChildProcess;
  /** The worker's one JSON line at the end of its run. */
  result: () => Promise<WorkerResult>;
}

/** A population under a fresh prefix, and a unique run id over it. */
async function setUp(name: string): Promise<{ prefix: string; ids: string[]; runId: string }> {
  const prefix = testPrefix('campaign-stream-processes');
  prefixes.push(prefix);
  return { prefix, ids: await writePopulation(redis, prefix, POPULATION), runId: name };
}

/** Starts one process of the run, each with its own runs directory; resolves once it has joined the run. */
async function startWorker(prefix: string, runId: string, name: string, tuning: Partial<StreamSourceOptions> = {}) {
  const args = [WORKER, inject('redisUrl'), prefix, runId, join(dir, runId, name), name, JSON.stringify(tuning)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readLines(child);
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`worker ${name} did not start: ${String(first.value)}`);
  const result = async () => {
    const line = await lines.next();
    child.stdin!.end();
    return JSON.parse(String(line.value)) as WorkerResult;
  };
  return { name, child, result } satisfies Worker;
}

async function* readLines(child: ChildProcess): AsyncGenerator<string> {
  let buffered = '';
  for await (const chunk of child.stdout!) {
    buffered += String(chunk);
    let end = buffered.indexOf('\n');
    while (end >= 0) {
      yield buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\n');
    }
  }
}

/** A process's results lines, up to what its checkpoint committed (the rest is rewritten by a resumption). */
async function resultsOf(runId: string, name: string): Promise<ResultLine[]> {
  const runDir = join(dir, runId, name, CAMPAIGN, runId);
  const checkpoint = JSON.parse(await readFile(join(runDir, 'checkpoint.json'), 'utf8')) as Checkpoint;
  const bytes = await readFile(join(runDir, 'results.jsonl'));
  return bytes
    .subarray(0, checkpoint.resultsOffset)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ResultLine);
}

/** Every subscriber's contact records of this run, by subscriber. */
async function contactsOfRun(prefix: string, runId: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.zrange(`${prefix}contacts:${id}`, 0, -1);
  const replies = (await pipeline.exec()) ?? [];
  const found = new Map<string, string[]>();
  replies.forEach(([, members], i) => {
    const id = ids[i]!;
    const ofRun = (members as string[])
      .map((member) => decodeContact(member, id))
      .filter((record) => record.decisionId.startsWith(`cmp:${CAMPAIGN}:${runId}:`));
    if (ofRun.length > 0)
      found.set(
        id,
        ofRun.map((record) => record.decisionId),
      );
  });
  return found;
}

/** Each subscriber sent to holds exactly one contact record of the run, with its line's decision id; no one else any. */
async function expectOneContactPerSent(prefix: string, runId: string, ids: readonly string[], lines: ResultLine[]) {
  const sent = new Map(lines.filter((line) => line.status === 'sent').map((line) => [line.subscriberId, line]));
  expect(sent.size).toBeGreaterThan(0);
  const contacts = await contactsOfRun(prefix, runId, ids);
  expect(contacts.size).toBe(sent.size);
  for (const [id, line] of sent) expect(contacts.get(id)).toEqual([line.decisionId]);
}

describe('one campaign, two processes', () => {
  it('splits the population: each subscriber decided by exactly one process, each sent one contact once', async () => {
    const { prefix, ids, runId } = await setUp('two-processes');
    const workers = await Promise.all([startWorker(prefix, runId, 'p1'), startWorker(prefix, runId, 'p2')]);
    for (const { child } of workers) child.stdin!.write('go\n');
    const results = await Promise.all(workers.map((worker) => worker.result()));

    // Both took part, both finished the run, and under the run's one id.
    for (const { report, stats } of results) {
      expect(report.phase, report.error).toBe('done');
      expect(report.runId).toBe(runId);
      expect(stats.chunks).toBeGreaterThan(0);
    }
    expect(results[0]!.report.counts.scanned + results[1]!.report.counts.scanned).toBe(POPULATION);

    // Every subscriber has exactly one results line, in one of the two files.
    const lines = [...(await resultsOf(runId, 'p1')), ...(await resultsOf(runId, 'p2'))];
    const decided = lines.map((line) => line.subscriberId);
    expect(new Set(decided).size).toBe(decided.length);
    expect(decided.sort()).toEqual([...ids].sort());
    expect(lines.some((line) => line.status === 'dropped')).toBe(true);
    await expectOneContactPerSent(prefix, runId, ids, lines);

    // The whole run, as any process (or the HTTP API) reads it from Redis.
    const status = await readStreamRunCounts(redis, prefix, runId);
    expect(status).toMatchObject({ finished: true, total: POPULATION, done: POPULATION });
    expect(status?.counts.sent).toBe(lines.filter((line) => line.status === 'sent').length);
    expect(Object.keys(status?.byConsumer ?? {}).sort()).toEqual(['p1', 'p2']);
  }, 120_000);

  it('a process killed mid-run: the other takes its chunks over and finishes; nobody is e-mailed twice', async () => {
    const { prefix, ids, runId } = await setUp('one-killed');
    const tuning = { claimIdleMs: 1_000, producerTtlMs: 1_000 };
    const workers = await Promise.all([
      startWorker(prefix, runId, 'p1', tuning),
      startWorker(prefix, runId, 'p2', tuning),
    ]);
    const [victim, survivor] = workers as [Worker, Worker];
    for (const { child } of workers) child.stdin!.write('go\n');
    const keys = streamRunKeys(prefix, runId);
    const heldBy = async (name: string) => {
      const pending = (await redis.xpending(keys.work, STREAM_GROUP)) as [number, string, string, [string, string][]];
      return Number(pending[3]?.find(([consumer]) => consumer === name)?.[1] ?? 0);
    };
    let held = 0;
    for (;;) {
      const status = await readStreamRunCounts(redis, prefix, runId);
      if (status?.finished) throw new Error('the run finished before the victim was seen holding work');
      // Killed once a quarter is done and the victim is at work (a slow start can leave the first quarter to the other).
      if ((status?.done ?? 0) >= POPULATION / 4 && (await heldBy(victim.name)) > 0) {
        victim.child.kill('SIGKILL');
        held = await heldBy(victim.name);
        break;
      }
      await sleep(10);
    }
    const { report, stats } = await survivor.result();
    expect(report.phase, report.error).toBe('done');
    expect(held).toBeGreaterThan(0); // it died holding chunks (its runner reads one ahead) ...
    expect(stats.claimed).toBeGreaterThanOrEqual(held); // ... which the survivor took over

    // Everyone decided; a subscriber decided twice was in a chunk the victim held: the same verdict both times.
    const victimLines = await resultsOf(runId, victim.name);
    const survivorLines = await resultsOf(runId, survivor.name);
    const byId = new Map<string, ResultLine>();
    for (const line of [...victimLines, ...survivorLines]) {
      const before = byId.get(line.subscriberId);
      if (before)
        expect([line.status, line.reason, line.decisionId]).toEqual([before.status, before.reason, before.decisionId]);
      byId.set(line.subscriberId, line);
    }
    expect([...byId.keys()].sort()).toEqual([...ids].sort());
    // A contact reserved by the victim before it died was found by the survivor (already-sent), never reserved again.
    await expectOneContactPerSent(prefix, runId, ids, [...byId.values()]);
    expect(await readStreamRunCounts(redis, prefix, runId)).toMatchObject({ finished: true, done: POPULATION });
  }, 120_000);
});
