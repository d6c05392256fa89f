// Benchmark: event to channel dispatch in triggered mode, at a fixed arrival rate (open loop), in process.
import { fileURLToPath } from 'node:url';
import {
  type Channel,
  createEngine,
  createTriggerRunner,
  generatePopulation,
  InMemoryProfileStore,
} from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';
import type { BenchResult, BenchRow } from './types.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
/** A weekday afternoon in Amsterdam: outside SMS quiet hours, so sends go out instead of being deferred. */
const NOON = Date.parse('2026-11-24T13:00:00Z');

export interface TriggerBenchOptions {
  rate?: number;
  seconds?: number;
  subscribers?: number;
}

interface Run {
  latencies: number[];
  dispatched: number[];
  seconds: number;
  events: number;
}

/**
 * Events arrive on a schedule (`rate` a second) whether or not earlier ones are done, so queueing delay counts in
 * the latency (no coordinated omission). Latency = dispatch (the channel's deliver call) minus scheduled arrival.
 */
export async function benchTriggers(options: TriggerBenchOptions = {}): Promise<BenchResult> {
  const rate = options.rate ?? 5_000;
  const seconds = options.seconds ?? 4;
  const config = await loadConfigDir(RULES);
  const population = [...generatePopulation({ seed: 5, count: options.subscribers ?? 20_000 })];

  const run = async (withTriggers: boolean): Promise<Run> => {
    const profiles = new InMemoryProfileStore(population.map((p) => ({ ...p })));
    const engine = createEngine({ config, profiles, clock: () => NOON });
    const dispatched: number[] = [];
    const scheduledAt = new Map<string, number>();
    const sms: Channel = {
      name: 'sms',
      deliver: async (m) => {
        const t = scheduledAt.get(m.subscriberId);
        if (t !== undefined) dispatched.push(performance.now() - t);
        return { ok: true };
      },
    };
    const push: Channel = { name: 'push', deliver: async () => ({ ok: true }) };
    const runner = createTriggerRunner({ engine, channels: [sms, push], clock: () => NOON, timers: false });
    const total = rate * seconds;
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1_000) / rate;
      while (performance.now() < due) await new Promise<void>((resolve) => setImmediate(resolve));
      const subscriber = population[i % population.length]!;
      const event = eventFor(i, subscriber.subscriberId);
      pending.push(
        (async () => {
          // Each subscriber has one event in flight at most (the run has no more events than subscribers).
          scheduledAt.set(subscriber.subscriberId, due);
          const ingested = await engine.ingest(event);
          if (withTriggers) await runner.onIngest(ingested);
          latencies.push(performance.now() - due);
        })(),
      );
    }
    await Promise.all(pending);
    return { latencies, dispatched, seconds: (performance.now() - started) / 1000, events: total };
  };

  const ingestRate = await closedLoopIngest(config, population);
  const baseline = await run(false);
  const triggered = await run(true);
  const rows: BenchRow[] = [
    {
      case: 'ingest, closed loop (as fast as it goes), features updated',
      opsPerSec: ingestRate,
      note: 'one event after another',
    },
    row(
      `ingest only, ${rate.toLocaleString('en-US')} events/s offered`,
      baseline.events / baseline.seconds,
      baseline.latencies,
    ),
    row(
      `ingest + triggers, event to dispatch`,
      triggered.events / triggered.seconds,
      triggered.dispatched,
      `${triggered.dispatched.length.toLocaleString('en-US')} sends`,
    ),
    row(`ingest + triggers, every event done`, triggered.events / triggered.seconds, triggered.latencies),
  ];
  return {
    name: `triggers (in-process, ${rate.toLocaleString('en-US')} events/s for ${seconds} s, ${population.length.toLocaleString('en-US')} subscribers)`,
    rows,
    ratios: [
      {
        name: 'event to dispatch p99 ms (target <= 100)',
        value: (rows.find((r) => r.case.includes('event to dispatch'))!.p99Us ?? 0) / 1000,
        target: 100,
        better: 'lower',
      },
      {
        name: 'events/s sustained with triggers (offered 5,000)',
        value: triggered.events / triggered.seconds,
        target: rate * 0.98,
      },
      { name: 'events ingested/s, closed loop, features updated', value: ingestRate },
    ],
  };
}

/** Events a second that `engine.ingest` sustains one after another, every event updating features. */
async function closedLoopIngest(
  config: Awaited<ReturnType<typeof loadConfigDir>>,
  population: readonly { subscriberId: string }[],
) {
  const engine = createEngine({
    config,
    profiles: new InMemoryProfileStore(population.map((p) => ({ ...p }) as never)),
    clock: () => NOON,
  });
  const total = 100_000;
  for (let i = 0; i < 5_000; i++) await engine.ingest(eventFor(i, population[i % population.length]!.subscriberId));
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const result = await engine.ingest(eventFor(10_000 + i, population[i % population.length]!.subscriberId));
    if (!result.ok) throw new Error(result.error.message);
  }
  return total / ((performance.now() - started) / 1000);
}

function eventFor(i: number, subscriberId: string) {
  const id = `bench-${i}`;
  const time = NOON;
  switch (i % 10) {
    case 0:
      return {
        id,
        type: 'network.roaming-attach',
        subscriberId,
        time,
        data: { country: ['US', 'TR', 'TH', 'FR'][i % 4] },
      };
    case 1:
      return { id, type: 'care.contact', subscriberId, time, data: {} };
    default:
      return { id, type: 'usage.data', subscriberId, time, data: { pct: 50 + ((i * 37) % 51) } };
  }
}

function row(name: string, opsPerSec: number, latenciesMs: number[], note?: string): BenchRow {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000;
  const out: BenchRow = { case: name, opsPerSec, p50Us: at(0.5), p99Us: at(0.99) };
  if (note) out.note = note;
  return out;
}
