// Open-loop HTTP load: requests fall due on a fixed schedule (`rate` a second) whatever the server's pace, over a pool
// of keep-alive connections, and each one's latency runs from when it fell due, so every queue counts (a request
// waiting for a free connection, the server's backlog). The closed loop (autocannon) measures the most a server
// does; this measures what its latency is at a given load, the form the issue's target takes ("10,000 decisions a
// second with p99 under 10 ms"). autocannon's own rate option is not this: each connection sends its share of the
// second as fast as it can, then waits for the next second.
import net from 'node:net';
import type { LoadRequest } from './autocannon.js';
import { LatencyRecorder } from './latency.js';

export interface OpenLoopOptions {
  /** `http://host:port` of the server. */
  url: string;
  /** Requests falling due per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections; a request due while all are busy waits for one (and the wait counts). */
  connections: number;
  /** The whole HTTP/1.1 request, made anew for each (a different subscriber each time). */
  request: () => string;
}

export interface OpenLoopResult {
  /** Requests that fell due in the window. */
  offered: number;
  /** Answers per second over the window (all answers, late ones included, over the window's length). */
  answeredPerSec: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  responses: number;
  non2xx: number;
  /** Connections that failed (a reset, a refused connect). */
  errors: number;
  /** Requests not answered 5 s after the window closed (an overloaded server's queue, dropped). */
  unanswered: number;
  /** Requests still waiting or in flight when the window closed (a server that cannot keep up leaves a backlog). */
  backlog: number;
  /** This process's CPU over the window, as a share of one core. */
  clientCpu: number;
}

/** How long in-flight requests may take to finish after the window before they count as errors. */
const DRAIN_MS = 5_000;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection: a request at a time, its answer read by Content-Length. */
class Connection {
  readonly socket: net.Socket;
  /** When the request in flight fell due (performance.now() ms); undefined when idle. */
  due: number | undefined;
  private buffered: Buffer = Buffer.alloc(0);

  constructor(
    host: string,
    port: number,
    private readonly onAnswer: (connection: Connection, status: number) => void,
    private readonly onError: (connection: Connection, error: Error) => void,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (error) => this.onError(this, error));
  }

  send(request: string, due: number): void {
    this.due = due;
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const end = this.buffered.indexOf(HEADER_END);
      if (end < 0) return;
      const head = this.buffered.toString('latin1', 0, end);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
      if (length === undefined) {
        this.onError(this, new Error(`an answer without content-length: ${head.split('\r\n')[0]}`));
        this.buffered = Buffer.alloc(0);
        return;
      }
      const total = end + HEADER_END.length + Number(length);
      if (this.buffered.length < total) return;
      const status = Number(head.slice(9, 12));
      this.buffered = this.buffered.subarray(total);
      this.onAnswer(this, status);
    }
  }
}

/**
 * Runs the schedule for `seconds`, then waits for the answers still due (up to 5 s). A 1 ms timer releases every
 * request that has fallen due since the last tick; a free connection takes the oldest waiting one at once.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { hostname, port } = new URL(options.url);
  const latencies = new LatencyRecorder();
  let maxUs = 0;
  let non2xx = 0;
  let errors = 0;
  let responses = 0;
  const waiting: number[] = []; // due times, oldest first
  let head = 0;
  const free: Connection[] = [];

  const dispatch = () => {
    while (head < waiting.length && free.length > 0) {
      free.pop()!.send(options.request(), waiting[head++]!);
    }
    if (head > 4_096 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
  };
  const onAnswer = (connection: Connection, status: number) => {
    const us = (performance.now() - connection.due!) * 1_000;
    connection.due = undefined;
    responses++;
    if (status >= 200 && status < 300) {
      latencies.addMs(us / 1_000);
      if (us > maxUs) maxUs = us;
    } else non2xx++;
    free.push(connection);
    dispatch();
  };
  const onError = (connection: Connection, _error: Error) => {
    errors++;
    connection.due = undefined;
    connection.socket.destroy();
  };

  const connections = Array.from(
    { length: options.connections },
    () => new Connection(hostname, Number(port), onAnswer, onError),
  );
  await Promise.all(connections.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
  free.push(...connections);

  const total = Math.round(options.rate * options.seconds);
  const interval = 1_000 / options.rate;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let released = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (released < due) waiting.push(started + released++ * interval);
      dispatch();
      if (released >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const windowMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const backlog = waiting.length - head + connections.filter((c) => c.due !== undefined).length;
  const answeredInWindow = responses;
  const drainUntil = performance.now() + DRAIN_MS;
  while (performance.now() < drainUntil && (head < waiting.length || connections.some((c) => c.due !== undefined))) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const unanswered = waiting.length - head + connections.filter((c) => c.due !== undefined).length;
  for (const c of connections) c.socket.destroy();
  return {
    offered: total,
    answeredPerSec: (answeredInWindow * 1_000) / windowMs,
    ...latencies.percentiles(),
    maxUs,
    responses,
    non2xx,
    errors,
    unanswered,
    backlog,
    clientCpu: (used.user + used.system) / 1_000 / windowMs,
  };
}

/** The bytes of one HTTP/1.1 request for `request` (a new body each call when it has `setupRequest`). */
export function rawRequest(url: string, request: LoadRequest): () => string {
  const { host } = new URL(url);
  const headers = Object.entries(request.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const start = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\n${headers}`;
  return () => {
    const body = request.setupRequest?.({}).body ?? '';
    return `${start}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
}
