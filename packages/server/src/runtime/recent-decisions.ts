// The last decisions per subscriber, for the subscriber 360 view: a small ring each, bounded in subscribers too.
import { type Decision, PackedSlots, StringTable } from '@arbiter/engine';

/** A decision as the 360 view shows it: what was offered, where and when; no treatments, terms or funnel. */
export interface RecentDecision {
  decisionId: string;
  channel: string;
  decidedAt: string;
  configVersion: string;
  actions: { rank: number; actionId: string; name: string; issue: string; group: string }[];
}

/**
 * The records are reserved up front: `perSubscriber` x `maxSubscribers` x 160 bytes (32 MB at the defaults) of
 * address space, which the operating system backs with memory only as records are first written.
 */
export interface RecentDecisionsOptions {
  /** Decisions kept per subscriber (default 20). */
  perSubscriber?: number;
  /** Subscribers kept; past it the one decided for least recently is forgotten (default 10,000). */
  maxSubscribers?: number;
}

/** Fields per action in an encoded decision: rank, actionId, name, issue, group. */
const ACTION_FIELDS = 5;
/** Bytes per kept decision: a 36-character id, a 24-character time and up to 9 actions fit (see `#write`). */
const SLOT_BYTES = 160;

/**
 * Per-subscriber rings of recent decisions, newest last, in this process only (a view for agents, not a record:
 * the contact history is the record).
 *
 * Built for the garbage collector, since it runs on every decision: each subscriber owns a block of
 * `perSubscriber` fixed-size records in one buffer outside the V8 heap (`PackedSlots`; names as numbers into a
 * `StringTable`), so 10,000 subscribers x 20 decisions leave nothing for the collector to copy or trace. Kept as
 * JS strings, each decision left about a kilobyte that lived long enough to reach the old generation (bench/README.md,
 * and InMemoryDecisionLog in @arbiter/engine, built the same way). A decision that does not fit its record is kept
 * as a JSON string instead. A forgotten subscriber's block goes to the next new one. Which subscriber was decided
 * for least recently is the tail of a list of blocks linked through two typed arrays: not a `RecencyMap`, whose
 * queue keeps each request's own copy of the subscriber id until it is compacted (about 150 bytes a decision that
 * reached the old generation); moving a block to the front here allocates nothing.
 *
 * @example
 * recent.add(decision);
 * recent.get('SUB-00000042'); // newest first
 */
export class RecentDecisions {
  /** Subscriber to block number. */
  readonly #blocks = new Map<string, number>();
  /** Per block: its subscriber, and its neighbours in the recency list (-1 at the ends). */
  readonly #owner: string[] = [];
  readonly #newer: Int32Array;
  readonly #older: Int32Array;
  #newest = -1;
  #oldest = -1;
  readonly #perSubscriber: number;
  readonly #maxSubscribers: number;
  readonly #slots: PackedSlots;
  readonly #names = new StringTable();
  /** Per block: decisions kept, and once full the ring position of the oldest. */
  readonly #kept: Uint32Array;
  readonly #start: Uint32Array;
  /** Decisions that did not fit their record, by slot, as JSON (see `encode`). */
  readonly #spilled = new Map<number, string>();

  constructor(options: RecentDecisionsOptions = {}) {
    this.#perSubscriber = Math.max(1, Math.floor(options.perSubscriber ?? 20));
    this.#maxSubscribers = Math.max(1, Math.floor(options.maxSubscribers ?? 10_000));
    this.#slots = new PackedSlots(this.#perSubscriber * this.#maxSubscribers, SLOT_BYTES);
    this.#kept = new Uint32Array(this.#maxSubscribers);
    this.#start = new Uint32Array(this.#maxSubscribers);
    this.#newer = new Int32Array(this.#maxSubscribers).fill(-1);
    this.#older = new Int32Array(this.#maxSubscribers).fill(-1);
  }

  /** Remembers a decision under its subscriber. */
  add(decision: Decision): void {
    const id = decision.subscriberId;
    let block = this.#blocks.get(id);
    if (block === undefined) {
      if (this.#blocks.size >= this.#maxSubscribers) {
        block = this.#oldest; // reused: its subscriber is forgotten
        this.#blocks.delete(this.#owner[block]!);
      } else {
        block = this.#blocks.size; // blocks are handed out in order until all are in use
      }
      this.#owner[block] = id;
      this.#blocks.set(id, block);
      this.#kept[block] = 0;
      this.#start[block] = 0;
    }
    this.#toFront(block); // the most recently decided for
    const per = this.#perSubscriber;
    let position: number;
    if (this.#kept[block]! < per) position = this.#kept[block]!++;
    else {
      position = this.#start[block]!;
      this.#start[block] = (position + 1) % per;
    }
    this.#write(block * per + position, decision);
  }

  /** The subscriber's recent decisions, newest first (empty when none are kept). */
  get(subscriberId: string): RecentDecision[] {
    const block = this.#blocks.get(subscriberId);
    if (block === undefined) return [];
    const per = this.#perSubscriber;
    const kept = this.#kept[block]!;
    const start = this.#start[block]!;
    const out: RecentDecision[] = [];
    for (let k = kept - 1; k >= 0; k--) out.push(this.#read(block * per + ((start + k) % kept)));
    return out;
  }

  /** Subscribers with at least one kept decision. */
  get size(): number {
    return this.#blocks.size;
  }

  /** Makes the block the newest in the recency list (a new block joins it here). */
  #toFront(block: number): void {
    if (block === this.#newest) return;
    const newer = this.#newer;
    const older = this.#older;
    // Out of its place, if it has one (a block of a new subscriber is in no place yet).
    const n = newer[block]!;
    const o = older[block]!;
    if (n >= 0) older[n] = o;
    if (o >= 0) newer[o] = n;
    if (block === this.#oldest) this.#oldest = n;
    // In at the front.
    newer[block] = -1;
    older[block] = this.#newest;
    if (this.#newest >= 0) newer[this.#newest] = block;
    this.#newest = block;
    if (this.#oldest < 0) this.#oldest = block;
  }

  /** `[id, decidedAt, channel, configVersion, n, n x (rank, action, name, issue, group)]`, or spilled. */
  #write(slot: number, decision: Decision): void {
    const s = this.#slots;
    const names = this.#names;
    const { actions } = decision;
    this.#spilled.delete(slot);
    s.startWrite(slot);
    s.text(decision.decisionId);
    s.text(decision.decidedAt);
    s.name(names, decision.channel);
    s.name(names, decision.configVersion);
    s.u8(actions.length);
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i]!;
      s.u16(action.rank);
      s.name(names, action.actionId);
      s.name(names, action.name);
      s.name(names, action.issue);
      s.name(names, action.group);
    }
    if (!s.fits) this.#spilled.set(slot, encode(decision));
  }

  #read(slot: number): RecentDecision {
    const spilled = this.#spilled.get(slot);
    if (spilled !== undefined) return decode(spilled);
    const s = this.#slots;
    const names = this.#names;
    s.startRead(slot);
    const decisionId = s.readText();
    const decidedAt = s.readText();
    const channel = s.readName(names);
    const configVersion = s.readName(names);
    const n = s.readU8();
    const actions: RecentDecision['actions'] = [];
    for (let i = 0; i < n; i++) {
      const rank = s.readU16();
      const actionId = s.readName(names);
      const name = s.readName(names);
      const issue = s.readName(names);
      const group = s.readName(names);
      actions.push({ rank, actionId, name, issue, group });
    }
    return { decisionId, channel, decidedAt, configVersion, actions };
  }
}

/** `[decisionId, channel, decidedAt, configVersion, rank, actionId, name, issue, group, rank, ...]` as JSON. */
function encode(decision: Decision): string {
  const { actions } = decision;
  const flat: (string | number)[] = new Array(4 + actions.length * ACTION_FIELDS);
  flat[0] = decision.decisionId;
  flat[1] = decision.channel;
  flat[2] = decision.decidedAt;
  flat[3] = decision.configVersion;
  for (let i = 0, at = 4; i < actions.length; i++, at += ACTION_FIELDS) {
    const action = actions[i]!;
    flat[at] = action.rank;
    flat[at + 1] = action.actionId;
    flat[at + 2] = action.name;
    flat[at + 3] = action.issue;
    flat[at + 4] = action.group;
  }
  return JSON.stringify(flat);
}

function decode(encoded: string): RecentDecision {
  const flat = JSON.parse(encoded) as (string | number)[];
  const actions: RecentDecision['actions'] = [];
  for (let at = 4; at + ACTION_FIELDS <= flat.length; at += ACTION_FIELDS) {
    actions.push({
      rank: flat[at] as number,
      actionId: flat[at + 1] as string,
      name: flat[at + 2] as string,
      issue: flat[at + 3] as string,
      group: flat[at + 4] as string,
    });
  }
  return {
    decisionId: flat[0] as string,
    channel: flat[1] as string,
    decidedAt: flat[2] as string,
    configVersion: flat[3] as string,
    actions,
  };
}
