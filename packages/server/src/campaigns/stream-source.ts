// A campaign's work shared by several processes through a Redis Streams consumer group: each chunk is decided by one.
//
// How a distributed run works (keys in stream-run.ts, scripts in stream-scripts.ts):
// - Every process registers the run (`registerStreamRun`: the meta hash with campaign, config version and decision
//   time, the stream `campaign:{runId}:work`, the consumer group `workers`) and agrees on its `now`.
// - One process at a time is the producer (`SET campaign:{runId}:producer <consumer> NX PX ttl`, renewed on every
//   entry): it SCANs `<prefix>profile:*` and adds one entry per `chunkSize` subscriber ids. Each entry is added by a
//   script that also checks the lock and moves the SCAN cursor saved in the meta hash, so a successor (after the TTL,
//   or at once after a clean close) continues from the last entry added, and no page is added twice. SCAN itself may
//   return a key twice (when the keyspace shrinks during the scan); the producer keeps the ids it added in a set
//   (about 56 bytes an id, deleted once produced; `dedupe: false` goes without) and leaves repeats out. It pauses
//   while `maxBacklog` entries wait undelivered, and committed entries are deleted, so the stream stays short.
// - Every process (the producer too) consumes: `XREADGROUP GROUP workers <consumer> COUNT 1 BLOCK`, then loads the
//   chunk's profiles (MGET) and contact histories (ZRANGE, or the history's `loadMany`) at once. `commit`
//   acknowledges and deletes the entry and counts it run-wide in one script.
// - A live consumer touches the entries it holds every `claimIdleMs / 3` (XCLAIM JUSTID, only while it still owns
//   them), so `XAUTOCLAIM ... claimIdleMs` hands a dead consumer's entries to another, never a slow one's.
// - A process restarted under the same consumer name first takes back its own pending entries.
// - The source ends when the run is produced and no entry waits. With `waitForPeers` (the default) it first waits
//   until no other consumer holds an entry, claiming a dead one's, so the last process standing finishes the run;
//   while it waits and its runner still holds chunks of its own (read ahead, committed only once `next()` returns),
//   it hands out empty chunks so the runner can commit them.
//
// Exactly once: every id is on the stream once, and each entry is delivered to one consumer at a time. An entry is
// delivered again only when its consumer died (or stalled past `claimIdleMs`) before committing; subscribers of it
// whose contact was reserved then come back `already-sent` from the campaign decider (decision ids are stable per
// run), so nothing is reserved twice. A consumer stalled past `claimIdleMs` that wakes up and decides the same chunk
// at the same moment as its successor is refused the second reservation (`ONCE_PER_DECISION`); one that had reserved
// before it stalled sends what its successor, finding it `already-sent`, sends too: the same idempotency key.

import { hostname } from 'node:os';
import { errorMessage } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import type { RunCounts, VolumeLedger, WorkChunk, WorkSource } from './run-types.js';
import { loadSubscribers, type SubscriberReadOptions } from './stream-chunk.js';
import { idsOf, StreamConsumer, type StreamEntry } from './stream-consumer.js';
import type { StreamSourceOptions, StreamSourceStats } from './stream-options.js';
import { pause, StreamProducer } from './stream-producer.js';
import {
  DEFAULT_RETAIN_MS,
  registerStreamRun,
  type StreamRunKeys,
  type StreamRunMeta,
  streamRunKeys,
} from './stream-run.js';
import { CLAIM_VOLUME } from './stream-scripts.js';

export type { StreamSourceOptions, StreamSourceStats } from './stream-options.js';

/**
 * A `WorkSource` over a Redis Streams consumer group: start one in every process of a run, with the same run id,
 * campaign, config version and `now` (from `registerStreamRun`), and pass it to `startCampaignRun` as `source`.
 * `open(position)` ignores the position: the group remembers what was committed.
 *
 * @example
 * const run = await registerStreamRun(redis, { runId, campaignId, configVersion: config.version, now: Date.now() });
 * const source = new StreamSource({ redis, ...run });
 * const campaign = startCampaignRun(deps, { campaignId, now: run.now, source,
 *   onProgress: (p) => void source.report(p.counts) });
 */
export class StreamSource implements WorkSource {
  readonly total = undefined;
  readonly consumer: string;
  readonly #options: StreamSourceOptions;
  readonly #keys: StreamRunKeys;
  readonly #readOptions: SubscriberReadOptions;
  readonly #claimIdleMs: number;
  readonly #blockMs: number;
  readonly #retainMs: number;
  readonly #log: (message: string) => void;
  readonly #stop = new AbortController();
  /** Entries handed out and not yet committed: the heartbeat keeps them. */
  readonly #inFlight = new Set<string>();
  /** This consumer's pending entries from before a restart, handed out first. */
  #recovered: StreamEntry[] = [];
  /** The source's own connections: [commands, blocking reads]. */
  #connections: Redis[] = [];
  #work: Redis | undefined;
  #group: StreamConsumer | undefined;
  #producer: StreamProducer | undefined;
  #producing: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #meta: StreamRunMeta | undefined;
  #seq = 0;
  /** Everything is taken and peers are still at work: this source waits for them (or for their work to claim). */
  #waiting = false;
  #ended = false;
  readonly #idleChunks = new WeakSet<WorkChunk>();
  readonly #stats = { chunks: 0, claimed: 0, recovered: 0 };

  constructor(options: StreamSourceOptions) {
    const prefix = options.prefix ?? 'arbiter:';
    this.#options = options;
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.#keys = streamRunKeys(prefix, options.runId);
    this.#readOptions = {
      profilePrefix: `${prefix}profile:`,
      contactsPrefix: `${options.historyPrefix ?? prefix}contacts:`,
      ...(options.history && { history: options.history }),
    };
    this.#claimIdleMs = Math.max(10, options.claimIdleMs ?? 30_000);
    this.#blockMs = Math.max(1, Math.floor(options.blockMs ?? 1_000));
    this.#retainMs = options.retainMs ?? DEFAULT_RETAIN_MS;
    this.#log = options.log ?? ((message) => console.warn(message));
  }

  /**
   * The volume limit as one budget for every process of the run (a Redis counter claimed atomically), so N processes
   * never send N times the limit.
   */
  readonly volume: VolumeLedger = {
    claim: async (want, limit) => {
      if (!this.#work) throw new Error('the stream source is not open');
      return Number(await CLAIM_VOLUME.run(this.#work, [this.#keys.volume], [want, limit, this.#retainMs]));
    },
    release: async (count) => {
      if (!this.#work || count <= 0) return;
      await this.#work.decrby(this.#keys.volume, count);
    },
  };

  /** The run as registered in Redis (after `open`). */
  get run(): StreamRunMeta | undefined {
    return this.#meta;
  }

  stats(): StreamSourceStats {
    return { ...this.#stats, produced: this.#producer?.entries ?? 0 };
  }

  async open(_position?: string): Promise<void> {
    const o = this.#options;
    const common = { lazyConnect: true, enableOfflineQueue: true, maxRetriesPerRequest: 3 } as const;
    const work = o.redis.duplicate({ ...common, commandTimeout: 10_000 });
    const blocking = o.redis.duplicate({ ...common, commandTimeout: this.#blockMs + 10_000 });
    this.#connections = [work, blocking];
    try {
      for (const connection of this.#connections) connection.on('error', () => {});
      await Promise.all([work.connect(), blocking.connect()]);
      const meta = await registerStreamRun(work, o, { prefix: o.prefix, retainMs: this.#retainMs });
      if (meta.now !== o.now) {
        throw new Error(
          `campaign run ${o.runId} decides at ${new Date(meta.now).toISOString()}, this process at ` +
            `${new Date(o.now).toISOString()}: start it with the run's now (from registerStreamRun)`,
        );
      }
      this.#meta = meta;
      this.#work = work;
      this.#group = new StreamConsumer({
        redis: work,
        blocking,
        keys: this.#keys,
        consumer: this.consumer,
        claimIdleMs: this.#claimIdleMs,
        blockMs: this.#blockMs,
        retainMs: this.#retainMs,
      });
      this.#producer = new StreamProducer({
        redis: work,
        runId: o.runId,
        consumer: this.consumer,
        prefix: o.prefix,
        chunkSize: o.chunkSize,
        lockTtlMs: o.producerTtlMs,
        maxBacklog: o.maxBacklog,
        dedupe: o.dedupe,
        retainMs: this.#retainMs,
      });
      this.#recovered = await this.#group.ownPending();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.#heartbeat = setInterval(() => void this.#touch(), Math.max(5, this.#claimIdleMs / 3));
    this.#heartbeat.unref();
    if (this.#meta.state === 'producing') this.#produce();
  }

  async next(): Promise<WorkChunk | undefined> {
    const group = this.#group;
    if (group === undefined) throw new Error('StreamSource.next() before open()');
    while (!this.#ended && !this.#stop.signal.aborted) {
      try {
        const entry = await this.#take(group);
        if (entry) {
          const chunk = await this.#load(entry);
          if (chunk) return chunk;
          continue;
        }
        const status = await group.status();
        if (status.state !== 'produced') {
          this.#produce(); // if the producer died, take over
          continue;
        }
        if (status.waiting > 0) {
          this.#waiting = false; // added since the read: read it
          continue;
        }
        // All of it is taken. Anyone else still at work? Then take their work if they died, else wait or leave.
        if (status.working - status.mine > 0) {
          const claimed = await group.claim(true);
          if (claimed) {
            this.#stats.claimed++;
            const chunk = await this.#load(claimed);
            if (chunk) return chunk;
            continue;
          }
          if (this.#options.waitForPeers !== false) {
            this.#waiting = true;
            // The runner commits the chunks it holds only once next() returns: hand it an empty one meanwhile.
            if (this.#inFlight.size > 0) return this.#idle();
            await pause(this.#blockMs, this.#stop.signal);
            continue;
          }
        }
        this.#ended = true;
      } catch (error) {
        if (this.#stop.signal.aborted) break; // closed under a blocked read
        throw error;
      }
    }
    return undefined;
  }

  async commit(chunk: WorkChunk): Promise<void> {
    if (this.#group === undefined) throw new Error('StreamSource.commit() before open()');
    if (this.#idleChunks.has(chunk)) return;
    this.#inFlight.delete(chunk.position); // first: the heartbeat must not take it for lost meanwhile
    const skipped = chunk.skipped ?? 0;
    await this.#group.commit(chunk.position, chunk.items.length + skipped, skipped);
  }

  /**
   * Publishes this process's runner counts (the runner's `onProgress`) for `readStreamRunCounts`, which adds up
   * every process's. Uses the caller's client, so it works after `close()` too (the runner's final report).
   */
  async report(counts: RunCounts): Promise<void> {
    await this.#options.redis
      .multi()
      .hset(this.#keys.progress, this.consumer, JSON.stringify(counts))
      .pexpire(this.#keys.progress, this.#retainMs)
      .exec();
  }

  /**
   * Stops producing (giving the lock up) and reading. Entries handed out and not committed stay pending under this
   * consumer: taken back by a restart under the same name, or claimed by another process after `claimIdleMs`.
   */
  async close(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    clearInterval(this.#heartbeat);
    await this.#producing;
    const [work, blocking] = this.#connections;
    blocking?.disconnect(); // a blocked read fails at once; next() then ends
    await work?.quit().catch(() => work.disconnect());
  }

  /** Becomes the producer if nobody is, and produces in the background. */
  #produce(): void {
    const producer = this.#producer;
    if (producer === undefined || this.#producing !== undefined || this.#stop.signal.aborted) return;
    const runId = this.#options.runId;
    this.#producing = (async () => {
      if (!(await producer.acquire())) return;
      const outcome = await producer.run(this.#stop.signal);
      if (outcome === 'lost') this.#log(`arbiter: campaign run ${runId}: lost the producer lock to another process`);
      if (outcome === 'stopped') await producer.release();
    })()
      .catch((error: unknown) => {
        this.#log(
          `arbiter: campaign run ${runId}: producing failed (${errorMessage(error)}); retried after the lock TTL`,
        );
      })
      .finally(() => {
        this.#producing = undefined;
      });
  }

  /** Work to do: own entries from before a restart, a dead consumer's, or a new one (waiting up to `blockMs`). */
  async #take(group: StreamConsumer): Promise<StreamEntry | undefined> {
    const recovered = this.#recovered.shift();
    if (recovered) {
      this.#stats.recovered++;
      return recovered;
    }
    const claimed = await group.claim();
    if (claimed) {
      this.#stats.claimed++;
      return claimed;
    }
    // Once everything is taken (and only peers are at work) nothing new comes: no read to block on.
    return this.#waiting ? undefined : group.receive();
  }

  /** A chunk of nobody, for the runner to commit (a no-op) while this source waits for its peers. */
  #idle(): WorkChunk {
    const chunk: WorkChunk = { seq: this.#seq++, items: [], position: 'idle', skipped: 0 };
    this.#idleChunks.add(chunk);
    return chunk;
  }

  /** The chunk of an entry: its subscribers' profiles and contact histories. */
  async #load(entry: StreamEntry): Promise<WorkChunk | undefined> {
    const [id] = entry;
    const ids = idsOf(entry);
    if (ids.length === 0) {
      // Deleted while pending (a peer committed it after this consumer took it back): nothing to do.
      await this.#group?.commit(id, 0, 0);
      return undefined;
    }
    const { items, skipped } = await loadSubscribers(this.#work!, ids, this.#readOptions);
    this.#inFlight.add(id);
    this.#stats.chunks++;
    return { seq: this.#seq++, items, position: id, skipped };
  }

  /** The heartbeat: keeps the entries this process works on from being claimed. */
  async #touch(): Promise<void> {
    if (this.#inFlight.size === 0 || this.#group === undefined) return;
    try {
      for (const id of await this.#group.touch(this.#inFlight)) {
        if (!this.#inFlight.delete(id)) continue; // committed meanwhile
        this.#log(`arbiter: campaign run ${this.#options.runId}: entry ${id} was taken over by another process`);
      }
    } catch (error) {
      if (!this.#stop.signal.aborted) this.#log(`arbiter: campaign run heartbeat failed: ${errorMessage(error)}`);
    }
  }
}
