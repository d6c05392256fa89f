// Benchmark: decisions over the WebSocket stream (JSON and msgpack frames) against the real server, with the
// stream's own ping measured the same way in the same run as the baseline.
import { pack, unpack } from 'msgpackr';
import WebSocket from 'ws';
import { randomDecide } from './http.js';
import { LatencyRecorder } from './latency.js';
import { type ServerUnderTest, startServerProcess } from './server-process.js';
import type { BenchResult, BenchRow } from './types.js';

export interface WsBenchOptions {
  /** Seconds per measured case (default 10). */
  seconds?: number;
  /** Sockets for the loaded cases (default 8)... */
  sockets?: number;
  /** ... each with this many messages in flight (default 8; the server allows 64). */
  inFlight?: number;
}

type Message = 'decide' | 'ping';

interface LoopResult {
  perSec: number;
  p50Us: number;
  p99Us: number;
  refused: number;
  /** This process's CPU over the run, as a share of one core: near 1, the clients were the bottleneck. */
  clientCpu: number;
}

/**
 * Closed loop over `sockets` connections with `inFlight` messages outstanding on each: every answer sends the next
 * message. Latency is from send to answer, taken in this process.
 */
async function wsLoop(
  server: ServerUnderTest,
  message: Message,
  binary: boolean,
  sockets: number,
  inFlight: number,
  seconds: number,
): Promise<LoopResult> {
  const latencies = new LatencyRecorder();
  let refused = 0;
  const deadline = performance.now() + seconds * 1_000;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const run = (socket: WebSocket) =>
    new Promise<void>((resolve) => {
      const sentAt = new Map<number, number>();
      let nextId = 0;
      const send = () => {
        const id = nextId++;
        const frame =
          message === 'ping' ? { id, type: 'ping' } : { id, type: 'decide', request: randomDecide(server.subscribers) };
        sentAt.set(id, performance.now());
        socket.send(binary ? pack(frame) : JSON.stringify(frame), { binary });
      };
      socket.on('message', (data: Buffer, isBinary) => {
        const answer = (isBinary ? unpack(data) : JSON.parse(data.toString())) as {
          id: number;
          type: string;
          status?: number;
        };
        const at = sentAt.get(answer.id);
        if (at === undefined) return; // a push, not an answer
        sentAt.delete(answer.id);
        const ok = message === 'ping' ? answer.type === 'pong' : answer.type === 'decision' && answer.status === 200;
        if (ok) latencies.addMs(performance.now() - at);
        else refused++;
        if (performance.now() < deadline) send();
        else if (sentAt.size === 0) resolve();
      });
      for (let i = 0; i < inFlight; i++) send();
    });
  const open = await Promise.all(Array.from({ length: sockets }, () => connect(server)));
  await Promise.all(open.map(run));
  const elapsed = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  for (const socket of open) socket.close();
  const clientCpu = (used.user + used.system) / 1e6 / elapsed;
  return { perSec: latencies.count / elapsed, ...latencies.percentiles(), refused, clientCpu };
}

function connect(server: ServerUnderTest): Promise<WebSocket> {
  const socket = new WebSocket(server.wsUrl, { headers: { 'x-api-key': server.key } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The same set-up as the HTTP benchmark: the server in its own process, the clients here. */
export async function benchWs(options: WsBenchOptions = {}): Promise<BenchResult> {
  const seconds = options.seconds ?? 10;
  const sockets = options.sockets ?? 8;
  const inFlight = options.inFlight ?? 8;
  const server = await startServerProcess();
  try {
    const loaded = `${sockets} sockets x ${inFlight} in flight`;
    await wsLoop(server, 'decide', false, sockets, inFlight, 3); // warm-up
    const pingLoaded = await wsLoop(server, 'ping', false, sockets, inFlight, seconds);
    const decideLoaded = await wsLoop(server, 'decide', false, sockets, inFlight, seconds);
    const decideMsgpack = await wsLoop(server, 'decide', true, sockets, inFlight, seconds);
    const pingAlone = await wsLoop(server, 'ping', false, 1, 1, seconds);
    const decideAlone = await wsLoop(server, 'decide', false, 1, 1, seconds);
    const rows: BenchRow[] = [
      row(`ping (baseline), JSON, ${loaded}`, pingLoaded),
      row(`decide, app, JSON, ${loaded}`, decideLoaded),
      row(`decide, app, msgpack, ${loaded}`, decideMsgpack),
      row('ping (baseline), JSON, 1 socket x 1', pingAlone),
      row('decide, app, JSON, 1 socket x 1', decideAlone),
    ];
    return {
      name: `WebSocket decisions (real server, /v1/stream, ${seconds} s per case)`,
      rows,
      ratios: [
        { name: `WS decisions/s, ${loaded}`, value: decideLoaded.perSec, target: 10_000 },
        { name: `WS decide p99, ${loaded} (ms)`, value: decideLoaded.p99Us / 1_000, target: 10, better: 'lower' },
        { name: 'WS decide p99, 1 socket x 1 (ms)', value: decideAlone.p99Us / 1_000, target: 1, better: 'lower' },
        { name: 'WS decide vs ping throughput, loaded', value: decideLoaded.perSec / pingLoaded.perSec },
        { name: 'WS msgpack vs JSON decide throughput', value: decideMsgpack.perSec / decideLoaded.perSec },
      ],
    };
  } finally {
    await server.stop();
  }
}

function row(name: string, result: LoopResult): BenchRow {
  const notes = [`clients ${Math.round(result.clientCpu * 100)}% of a core`];
  if (result.refused > 0) notes.push(`${result.refused} refused`);
  return { case: name, opsPerSec: result.perSec, p50Us: result.p50Us, p99Us: result.p99Us, note: notes.join(', ') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchWs({ seconds: Number(process.argv[2] ?? 10) }), null, 2));
}
