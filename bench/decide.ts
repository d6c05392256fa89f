// Benchmark: in-process decide() on the demo playbook over generated profiles, with the ONNX model (compiled, and on
// onnxruntime) and on priors only.
import { fileURLToPath } from 'node:url';
import {
  buildConfig,
  type ConfigSnapshot,
  createEngine,
  generatePopulation,
  InMemoryProfileStore,
} from '@arbiter/engine';
import { readConfigDir } from '@arbiter/engine/config-files';
import { Bench } from 'tinybench';
import type { BenchResult, BenchRow } from './types.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));

export interface DecideBenchOptions {
  profiles?: number;
  timeMs?: number;
}

/** Measures decisions per second and p50/p99 latency on one core (the event loop), with and without the model. */
export async function benchDecide(options: DecideBenchOptions = {}): Promise<BenchResult> {
  const input = await readConfigDir(RULES);
  const withModel = await buildConfig(input);
  const withoutModel = await buildConfig({
    ...input,
    actions: { ...input.actions, data: withoutModels(input.actions.data) },
  });
  // The same model run by an onnxruntime session instead of its compiled graph.
  const onSession = await buildConfig({
    ...input,
    models: input.models && { ...input.models, data: withRuntime(input.models.data, 'onnxruntime') },
  });
  const profiles = new InMemoryProfileStore(generatePopulation({ seed: 7, count: options.profiles ?? 20_000 }));
  const ids = [...profiles.values()].map((p) => p.subscriberId);
  const now = Date.parse('2026-11-22T12:00:00Z');

  const bench = new Bench({ time: options.timeMs ?? 3_000, warmupTime: 500 });
  const cases: [string, ConfigSnapshot, string, boolean][] = [
    ['decide app, priors only (no model)', withoutModel, 'app', false],
    ['decide app, ONNX model', withModel, 'app', false],
    ['decide app, ONNX model on onnxruntime', onSession, 'app', false],
    ['decide agent, ONNX model', withModel, 'agent', false],
    ['decide app, ONNX model, explain', withModel, 'app', true],
  ];
  for (const [name, config, channel, explain] of cases) {
    const engine = createEngine({ config, profiles, clock: () => now });
    let i = 0;
    const probe = await engine.decide({ subscriberId: ids[0]!, channel });
    if (!probe.ok) throw new Error(`${name}: ${probe.error.code} ${probe.error.message}`);
    bench.add(name, async () => {
      const result = await engine.decide({ subscriberId: ids[i++ % ids.length]!, channel, explain });
      if (!result.ok) throw new Error(result.error.message);
    });
  }
  await bench.run();
  const rows: BenchRow[] = bench.tasks.map((task) => {
    const r = task.result as unknown as {
      latency: { p50: number; p99: number; mean: number };
      throughput: { mean: number };
    };
    return {
      case: task.name,
      opsPerSec: 1_000 / r.latency.mean,
      p50Us: r.latency.p50 * 1_000,
      p99Us: r.latency.p99 * 1_000,
    };
  });
  const row = (name: string) => rows.find((r) => r.case === name)!;
  const model = row('decide app, ONNX model');
  model.note = await funnelShape(createEngine({ config: withModel, profiles, clock: () => now }), ids.slice(0, 2_000));
  return {
    name: 'decide (in-process, one core)',
    rows,
    ratios: [
      { name: 'decisions/s with ONNX model (target >= 20,000)', value: model.opsPerSec, target: 20_000 },
      { name: 'p99 us with ONNX model (target <= 200)', value: model.p99Us!, target: 200, better: 'lower' },
      {
        name: 'with model vs priors only (throughput ratio)',
        value: model.opsPerSec / row('decide app, priors only (no model)').opsPerSec,
      },
      {
        name: 'compiled model vs onnxruntime session (throughput ratio)',
        value: model.opsPerSec / row('decide app, ONNX model on onnxruntime').opsPerSec,
      },
    ],
  };
}

/** The models file with every manifest's `runtime` set. */
function withRuntime(data: unknown, runtime: 'auto' | 'onnxruntime'): unknown {
  const file = data as { models?: Record<string, unknown>[] };
  return { ...file, models: (file.models ?? []).map((m) => ({ ...m, runtime })) };
}

/** What a typical app decision works through: candidates, eligible and allowed actions, and selected ones. */
async function funnelShape(engine: ReturnType<typeof createEngine>, ids: readonly string[]): Promise<string> {
  const sum = { actions: 0, candidates: 0, eligible: 0, allowed: 0, selected: 0 };
  for (const subscriberId of ids) {
    const result = await engine.decide({ subscriberId, channel: 'app' });
    if (!result.ok) continue;
    for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += result.decision.counts[key];
  }
  const avg = (n: number) => (n / ids.length).toFixed(1);
  return `per decision: ${avg(sum.actions)} actions, ${avg(sum.candidates)} on the channel, ${avg(sum.eligible)} eligible, ${avg(sum.allowed)} allowed and scored, ${avg(sum.selected)} selected`;
}

function withoutModels(data: unknown): unknown {
  const file = structuredClone(data) as { actions: { model?: string }[] };
  for (const action of file.actions) delete action.model;
  return file;
}
