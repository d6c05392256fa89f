// The decision log: recent decisions by id, so an outcome reported against a decision can be tied to its subscriber and action.
import { hashString } from '../collections/hash-string.js';
import { PackedSlots, StringTable } from '../collections/packed-slots.js';

export interface LoggedAction {
  issue: string;
  group: string;
  mandatory: boolean;
}

export interface LoggedDecision {
  subscriberId: string;
  channel: string;
  at: number;
  actions: ReadonlyMap<string, LoggedAction>;
}

/**
 * Where decisions wait for their outcomes: in memory in the engine, Redis in the server.
 * `decide()` does not wait for `remember` (a returned promise runs on; a rejection is reported, never thrown), so a
 * store that writes remotely must answer `get` for a decision it is still writing.
 */
export interface DecisionLog {
  remember(decisionId: string, decision: LoggedDecision): Promise<void> | void;
  /** The decision, or undefined when it is unknown or no longer kept. Rejects when the store cannot answer. */
  get(decisionId: string): Promise<LoggedDecision | undefined> | LoggedDecision | undefined;
  /** What the log keeps, for the UNKNOWN_DECISION message: `the last 100000 decisions`, `decisions for 7d`. */
  readonly retention?: string;
}

/**
 * A bounded map of recent decisions: when full, the oldest is forgotten (its outcomes then get UNKNOWN_DECISION).
 *
 * Built for the garbage collector, since it takes every decision and keeps 100,000: each decision is one
 * fixed-size record in a buffer outside the V8 heap (`PackedSlots`: the decision id and subscriber inline, action
 * ids, issues, groups and the channel as numbers into a `StringTable`), found by id through an open-addressing hash
 * table in a typed array. Kept as JS strings in a Map instead, each decision left about 2 KB that lived long enough
 * to be copied into the old generation and traced there, which held the event loop up for milliseconds on every
 * young collection and tens of milliseconds on each major one (bench/README.md). A record that does not fit its
 * slot (an id past 255 characters or outside Latin-1, many actions) is kept on the heap as a JSON string instead.
 * `get` gives a fresh copy (outcomes are far rarer than decisions). The records are reserved up front, 128 bytes
 * each plus about 15 for the index (14 MB for the default 100,000), backed by memory only as first written.
 */
export class InMemoryDecisionLog implements DecisionLog {
  readonly retention: string;
  readonly #slots: PackedSlots;
  readonly #names = new StringTable();
  /** Records that did not fit their slot, by slot. */
  readonly #spilled = new Map<number, { id: string; packed: string }>();
  /** Linear probing: each cell holds a slot + 1, or 0 when empty. */
  readonly #table: Int32Array;
  readonly #mask: number;
  /** Each slot's id hash, to find its cell again when the slot is reused. */
  readonly #hashes: Uint32Array;
  /** The slot to write next: once full, it holds the oldest decision. */
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 100_000) {
    this.retention = `the last ${capacity} decisions`;
    const slots = Math.max(1, Math.floor(capacity));
    this.#slots = new PackedSlots(slots, SLOT_BYTES);
    this.#hashes = new Uint32Array(slots);
    let cells = 16;
    while (cells < slots * 2) cells *= 2; // at most half full: short probes
    this.#table = new Int32Array(cells);
    this.#mask = cells - 1;
  }

  remember(decisionId: string, decision: LoggedDecision): void {
    const hash = hashString(decisionId);
    const cell = this.#find(decisionId, hash);
    let slot: number;
    if (cell >= 0) {
      slot = this.#table[cell]! - 1; // remembered again (a resumed campaign run): it keeps its place
    } else {
      slot = this.#next;
      this.#next = (slot + 1) % this.#slots.count;
      if (this.#size === this.#slots.count) this.#unlink(slot);
      else this.#size++;
      this.#hashes[slot] = hash;
      this.#link(slot, hash);
    }
    this.#write(slot, decisionId, decision);
  }

  get(decisionId: string): LoggedDecision | undefined {
    const cell = this.#find(decisionId, hashString(decisionId));
    if (cell < 0) return undefined;
    const slot = this.#table[cell]! - 1;
    const spilled = this.#spilled.get(slot);
    return spilled ? unpack(spilled.packed) : this.#read(slot);
  }

  get size(): number {
    return this.#size;
  }

  /** `[id, subscriber, at, channel, n, n x (action, issue, group, mandatory)]`, or spilled when it does not fit. */
  #write(slot: number, id: string, decision: LoggedDecision): void {
    const s = this.#slots;
    const names = this.#names;
    this.#spilled.delete(slot);
    s.startWrite(slot);
    s.text(id);
    s.text(decision.subscriberId);
    s.f64(decision.at);
    s.name(names, decision.channel);
    s.u8(decision.actions.size);
    for (const [actionId, action] of decision.actions) {
      s.name(names, actionId);
      s.name(names, action.issue);
      s.name(names, action.group);
      s.u8(action.mandatory ? 1 : 0);
    }
    if (!s.fits) this.#spilled.set(slot, { id, packed: pack(decision) });
  }

  #read(slot: number): LoggedDecision {
    const s = this.#slots;
    const names = this.#names;
    s.startRead(slot);
    s.readText(); // the id
    const subscriberId = s.readText();
    const at = s.readF64();
    const channel = s.readName(names);
    const n = s.readU8();
    const actions = new Map<string, LoggedAction>();
    for (let i = 0; i < n; i++) {
      const actionId = s.readName(names);
      const issue = s.readName(names);
      const group = s.readName(names);
      actions.set(actionId, { issue, group, mandatory: s.readU8() === 1 });
    }
    return { subscriberId, channel, at, actions };
  }

  /** The cell holding the decision, or -1. */
  #find(id: string, hash: number): number {
    const table = this.#table;
    for (let cell = hash & this.#mask; ; cell = (cell + 1) & this.#mask) {
      const held = table[cell]!;
      if (held === 0) return -1;
      const slot = held - 1;
      if (this.#hashes[slot] === hash && this.#idIs(slot, id)) return cell;
    }
  }

  #idIs(slot: number, id: string): boolean {
    const spilled = this.#spilled.get(slot);
    if (spilled) return spilled.id === id;
    this.#slots.startRead(slot);
    return this.#slots.readTextEquals(id);
  }

  #link(slot: number, hash: number): void {
    let cell = hash & this.#mask;
    while (this.#table[cell] !== 0) cell = (cell + 1) & this.#mask;
    this.#table[cell] = slot + 1;
  }

  /** Takes the slot out of the table, shifting later cells of its run back so no probe stops short. */
  #unlink(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#hashes[slot]! & mask;
    while (table[hole] !== slot + 1) hole = (hole + 1) & mask;
    table[hole] = 0;
    for (let cell = (hole + 1) & mask; table[cell] !== 0; cell = (cell + 1) & mask) {
      const home = this.#hashes[table[cell]! - 1]! & mask;
      // The cell's entry may move back into the hole unless its home lies cyclically in (hole, cell].
      const stays = hole <= cell ? home > hole && home <= cell : home > hole || home <= cell;
      if (!stays) {
        table[hole] = table[cell]!;
        table[cell] = 0;
        hole = cell;
      }
    }
  }
}

/** Bytes per record: an id of 36 characters, a subscriber id of 12 and up to 9 actions fit. */
const SLOT_BYTES = 128;

/** Fields per action in a packed decision: actionId, issue, group, mandatory (0 or 1). */
const ACTION_FIELDS = 4;

/** `[subscriberId, channel, at, actionId, issue, group, mandatory, actionId, ...]` as JSON: one flat string. */
function pack(decision: LoggedDecision): string {
  const flat: (string | number)[] = [decision.subscriberId, decision.channel, decision.at];
  for (const [actionId, action] of decision.actions) {
    flat.push(actionId, action.issue, action.group, action.mandatory ? 1 : 0);
  }
  return JSON.stringify(flat);
}

function unpack(packed: string): LoggedDecision {
  const flat = JSON.parse(packed) as (string | number)[];
  const actions = new Map<string, LoggedAction>();
  for (let at = 3; at + ACTION_FIELDS <= flat.length; at += ACTION_FIELDS) {
    actions.set(flat[at] as string, {
      issue: flat[at + 1] as string,
      group: flat[at + 2] as string,
      mandatory: flat[at + 3] === 1,
    });
  }
  return { subscriberId: flat[0] as string, channel: flat[1] as string, at: flat[2] as number, actions };
}

/**
 * The log as `decide()` uses it: `remember` returns at once and never throws; a failed or rejected write goes to
 * `onError`, so a slow or broken store delays no decision and crashes nothing.
 */
export function detachedRemember(log: DecisionLog, onError: (error: unknown) => void): DecisionLog {
  return {
    remember(decisionId, decision) {
      try {
        const pending = log.remember(decisionId, decision);
        if (pending !== undefined) Promise.resolve(pending).catch(onError);
      } catch (error) {
        onError(error);
      }
    },
    get: (decisionId) => log.get(decisionId),
    retention: log.retention,
  };
}
