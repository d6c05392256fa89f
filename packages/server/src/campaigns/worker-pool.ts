// Where a run's chunks are decided: worker threads that each load the rules, or the main thread (`workers: 0`).

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type CampaignOutcome,
  type CampaignRunRef,
  type CompiledCampaign,
  type ConfigSnapshot,
  createCampaignDecider,
  errorMessage,
} from '@arbiter/engine';
import { CampaignRunError } from './campaign-run-errors.js';
import type { WorkChunk } from './run-types.js';
import {
  chunkSize,
  type Decider,
  decidePayload,
  type FromWorker,
  pack,
  payloadOf,
  type ToWorker,
  unpack,
  type WorkerInit,
} from './worker-protocol.js';

/** Decides chunks; results come back per chunk, in any order (the runner puts them back in order). */
export interface DecisionPool {
  /** Resolves when every worker has loaded the rules; rejects (CAMPAIGN_RULES_CHANGED, ...) when one cannot. */
  ready(): Promise<void>;
  decide(chunk: WorkChunk): Promise<CampaignOutcome[]>;
  /** Chunks the pool can usefully hold at once. */
  readonly capacity: number;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Worker threads (default `os.availableParallelism()`); 0 decides on the calling thread with `config`. */
  workers: number | undefined;
  /** The worker module (default `campaign-worker.ts` beside this file). */
  entry: URL | undefined;
  config: ConfigSnapshot;
  rulesDir: string;
  campaign: CompiledCampaign;
  run: CampaignRunRef;
}

const WORKER_ENTRY = new URL(`./campaign-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** The pool a run decides with: worker threads loading the run's rules, or the calling thread. */
export function createPool(options: PoolOptions): DecisionPool {
  const workers = Math.max(0, Math.floor(options.workers ?? availableParallelism()));
  if (workers === 0) return inProcessPool(createCampaignDecider(options.config), options.campaign, options.run);
  return threadPool({
    size: workers,
    entry: options.entry ?? WORKER_ENTRY,
    init: {
      rulesDir: options.rulesDir,
      configVersion: options.config.version,
      campaignId: options.campaign.id,
      run: options.run,
    },
  });
}

/** Decides on the calling thread with the run's own config: `workers: 0`. */
export function inProcessPool(decider: Decider, campaign: CompiledCampaign, run: CampaignRunRef): DecisionPool {
  return {
    ready: () => Promise.resolve(),
    decide: (chunk) => decidePayload(decider, campaign, run, payloadOf(chunk)),
    capacity: 1,
    close: () => Promise.resolve(),
  };
}

export interface ThreadPoolOptions {
  size: number;
  init: WorkerInit;
  /** The worker module (`campaign-worker.ts`, or a test's wrapper of it). */
  entry: URL;
  /** Chunks sent to a worker before its first answer (default 2: it starts the next while its answer travels). */
  perWorker?: number;
  /** Workers replaced after crashes before the pool gives up (default 2 x size + 2). */
  maxRestarts?: number;
}

interface Task {
  chunk: WorkChunk;
  attempts: number;
  resolve(outcomes: CampaignOutcome[]): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  gone: boolean;
  tasks: Task[];
}

/**
 * Worker threads, each loading the rules directory itself and checking its version against the run's. A worker
 * that crashes is replaced and its chunks are sent again; a chunk that crashes a second worker is rejected with
 * CAMPAIGN_WORKER_CRASHED, and so is everything once `maxRestarts` workers have been replaced.
 */
export function threadPool(options: ThreadPoolOptions): DecisionPool {
  const perWorker = Math.max(1, options.perWorker ?? 2);
  const maxRestarts = options.maxRestarts ?? 2 * options.size + 2;
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let restarts = 0;
  let failure: CampaignRunError | undefined;
  let closing = false;
  let started = 0;
  let onReady: { resolve(): void; reject(error: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
  });
  ready.catch(() => {}); // also reported through every task

  const fail = (error: CampaignRunError) => {
    if (failure) return;
    failure = error;
    onReady?.reject(error);
    for (const task of queue.splice(0)) task.reject(error);
    for (const slot of slots) for (const task of slot.tasks.splice(0)) task.reject(error);
  };

  /** Sends queued chunks to the least busy ready workers (an idle one first, when chunks come in slower than decided). */
  const dispatch = () => {
    while (queue.length > 0) {
      let target: Slot | undefined;
      for (const slot of slots) {
        if (!slot.ready || slot.gone || slot.tasks.length >= perWorker) continue;
        if (!target || slot.tasks.length < target.tasks.length) target = slot;
      }
      if (!target) return;
      const task = queue.shift()!;
      target.tasks.push(task);
      const payload = pack(payloadOf(task.chunk));
      const message: ToWorker = { type: 'chunk', seq: task.chunk.seq, payload };
      target.worker.postMessage(message, [payload.buffer as ArrayBuffer]);
    }
  };

  const crashed = (slot: Slot, why: string) => {
    if (slot.gone) return;
    slot.gone = true;
    slots.splice(slots.indexOf(slot), 1);
    void slot.worker.terminate();
    if (closing || failure) return;
    const retry: Task[] = [];
    // A worker decides its chunks in order: the oldest was in progress; those behind it only waited, no fault of theirs.
    for (const [index, task] of slot.tasks.splice(0).entries()) {
      if (index === 0) task.attempts++;
      if (task.attempts >= 2) {
        task.reject(
          new CampaignRunError(
            'CAMPAIGN_WORKER_CRASHED',
            `a worker thread crashed twice on chunk ${task.chunk.seq} (${describe(task.chunk)}): ${why}`,
          ),
        );
      } else retry.push(task);
    }
    queue.unshift(...retry);
    if (++restarts > maxRestarts) {
      fail(
        new CampaignRunError('CAMPAIGN_WORKER_CRASHED', `worker threads crashed ${restarts} times; the last: ${why}`),
      );
      return;
    }
    spawn();
  };

  const spawn = () => {
    const slot: Slot = { worker: startWorker(options.entry, options.init), ready: false, gone: false, tasks: [] };
    slots.push(slot);
    slot.worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.ready = true;
        if (++started >= options.size) onReady?.resolve();
        dispatch();
      } else if (message.type === 'failed') {
        slot.gone = true;
        fail(new CampaignRunError(message.code, message.message));
      } else {
        const index = slot.tasks.findIndex((t) => t.chunk.seq === message.seq);
        const [task] = index >= 0 ? slot.tasks.splice(index, 1) : [];
        task?.resolve(unpack<CampaignOutcome[]>(message.outcomes));
        dispatch();
      }
    });
    slot.worker.on('error', (error) => crashed(slot, errorMessage(error)));
    slot.worker.on('exit', (code) => crashed(slot, `the worker exited with code ${code}`));
  };

  for (let i = 0; i < options.size; i++) spawn();

  return {
    ready: () => ready,
    capacity: options.size * perWorker,
    decide(chunk) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        queue.push({ chunk, attempts: 0, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closing = true;
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

/** Which subscribers a chunk holds, for an error message. */
function describe(chunk: WorkChunk): string {
  const first = chunk.encoded ? chunk.encoded.subscriberIds[0] : chunk.items[0]?.profile.subscriberId;
  return `${chunkSize(chunk)} subscribers from ${first ?? '-'}`;
}

/**
 * A worker on a TypeScript module gets tsx's loader registered inside the thread first: on Node 20 the parent's
 * `--import tsx` is not applied to worker threads, under `tsx` and under vitest alike. A `.js` module starts plainly.
 */
function startWorker(entry: URL, init: WorkerInit): Worker {
  const options = { workerData: init, resourceLimits: WORKER_LIMITS };
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const code = `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/**
 * A larger young generation: a decision allocates much that dies young. On 500,000 subscribers (`--trace-gc`) each
 * worker paused for garbage collection about 4.7 s with Node's default and about 3.2 s with 64 MB.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 };

let tsxApiUrl: string | undefined;

/** The URL of tsx's ESM API module (`tsx/esm/api`, import condition). */
function tsxApi(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const exported = (require(manifest) as { exports?: Record<string, { import?: { default?: string } }> }).exports;
  const file = exported?.['./esm/api']?.import?.default ?? './dist/esm/api/index.mjs';
  tsxApiUrl = pathToFileURL(join(dirname(manifest), file)).href;
  return tsxApiUrl;
}
