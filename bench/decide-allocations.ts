// Diagnostic: how many bytes the server's decide path allocates per decision, and which functions allocate them.
// The server's decide handler (engine, recent decisions, metrics) and the answer's JSON.stringify, in process, 32
// decisions in flight, after a warm-up past the decision log's 100,000; V8's sampling heap profiler with the objects
// the collector has already freed counted too (what the garbage collector pays for, not what stays live).
//   npx tsx bench/decide-allocations.ts [decisions]
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { decide } from '../packages/server/src/handlers/decide.js';
import { createRuntime } from '../packages/server/src/runtime/runtime.js';

const RULES = fileURLToPath(new URL('../rules', import.meta.url));
const SUBSCRIBERS = 20_000;
const IN_FLIGHT = 32;

interface SampledNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SampledNode[];
}

const runtime = await createRuntime({ rulesDir: RULES, population: { count: SUBSCRIBERS, seed: 42 } });
const randomId = () => `SUB-${String(1 + Math.floor(Math.random() * SUBSCRIBERS)).padStart(8, '0')}`;

/** `count` decisions, `IN_FLIGHT` at a time, each request parsed and each answer serialized as the server does. */
async function decideMany(count: number): Promise<void> {
  let batch: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const input: unknown = JSON.parse(JSON.stringify({ subscriberId: randomId(), channel: 'app' }));
    batch.push(decide(runtime, input).then((result) => JSON.stringify(result.body)));
    if (batch.length === IN_FLIGHT) {
      await Promise.all(batch);
      batch = [];
    }
  }
  await Promise.all(batch);
}

const decisions = Number(process.argv[2] ?? 20_000);
await decideMany(120_000);
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
// The two include flags are in V8's protocol (Node 20) though not in @types/node's parameter type.
const sampling = {
  samplingInterval: 512,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
};
await session.post('HeapProfiler.startSampling', sampling);
await decideMany(decisions);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SampledNode } };
session.disconnect();
await runtime.close();

const byFunction = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode) => {
  if (node.selfSize > 0) {
    const { functionName, url } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(
  `${Math.round(total / decisions).toLocaleString('en-US')} bytes allocated per decision (${decisions} decisions)`,
);
for (const [where, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${String(Math.round(bytes / decisions)).padStart(7)}  ${where}`);
}
