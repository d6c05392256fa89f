// The options of a distributed campaign source (`StreamSource`), and what it reports about its share of the run.
import type { Redis } from 'ioredis';
import type { BatchContactHistory } from './store-source.js';
import type { StreamRunIdentity } from './stream-run.js';

export interface StreamSourceOptions extends StreamRunIdentity {
  /** A client for the source to copy: it opens two connections of its own (one for blocking reads) and closes them. */
  redis: Redis;
  /** Prefix of the profile keys and the run's keys (default `arbiter:`). */
  prefix?: string;
  /**
   * Where contact histories come from: the run's `RedisContactHistory` (its `loadMany` adds records still buffered
   * in this process). Default: read from Redis directly, in the profiles' pipeline, under `historyPrefix`.
   */
  history?: BatchContactHistory;
  /** Prefix of the contact history keys read without `history` (default: `prefix`). */
  historyPrefix?: string;
  /** This process's name in the consumer group (default `<host>:<pid>:<random>`); keep it to take back own work. */
  consumer?: string;
  /** Subscriber ids per chunk, at least: whole SCAN pages are added (default 1,000). */
  chunkSize?: number;
  /** An entry held this long without a heartbeat is taken over from its (dead) consumer (default 30,000 ms). */
  claimIdleMs?: number;
  /** Longest wait for a new entry before looking for idle work and the end again (default 1,000 ms). */
  blockMs?: number;
  /** The producer lock's time to live: a dead producer is replaced after it (default 10,000 ms). */
  producerTtlMs?: number;
  /** The producer pauses while this many entries wait undelivered (default 20). */
  maxBacklog?: number;
  /** End only when no other consumer holds an entry, claiming a dead one's (default true); false: end when nothing
   * is left for this process, leaving its peers' entries to them. */
  waitForPeers?: boolean;
  /** Leave out ids SCAN returns twice (default true; costs a Redis set of the ids while producing). */
  dedupe?: boolean;
  /** The run's keys expire this long after its last write (default 7 days). */
  retainMs?: number;
  /** Where the source reports a lost producer lock or a lost entry (default console.warn). */
  log?: (message: string) => void;
}

export interface StreamSourceStats {
  /** Chunks this process handed out. */
  chunks: number;
  /** Of them, taken over from an idle consumer. */
  claimed: number;
  /** Of them, this consumer's own from before a restart. */
  recovered: number;
  /** Entries this process produced. */
  produced: number;
}
