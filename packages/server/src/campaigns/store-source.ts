// A WorkSource over a profile store's scan, with each subscriber's contact history, in chunks a run can resume.
import {
  type ContactHistory,
  type ContactRecord,
  InMemoryProfileStore,
  type Profile,
  type ProfileStore,
} from '@arbiter/engine';
import type { WorkChunk, WorkSource } from './run-types.js';

/** One page of a store's scan and the cursor after it (`'0'` once the walk is complete), as Redis SCAN gives them. */
export interface ProfilePage {
  cursor: string;
  profiles: Profile[];
  /** Values under the scan's keys that did not decode as profiles. */
  skipped: number;
}

/** A store that can walk its profiles in pages and start again at a page boundary. */
export interface PagedProfileStore {
  scanPages(cursor?: string): AsyncIterableIterator<ProfilePage>;
}

/** A page of profiles still encoded (msgpack, for `decodeProfile`), and the cursor after it. */
export interface EncodedProfilePage {
  cursor: string;
  subscriberIds: string[];
  profiles: Uint8Array[];
}

/** A paged store that can hand its profiles over undecoded (the Redis profile store): they are decoded by the workers. */
export interface EncodedPagedProfileStore {
  scanEncodedPages(cursor?: string): AsyncIterableIterator<EncodedProfilePage>;
}

/** A history that loads many subscribers at once (the Redis contact history: one pipeline). */
export interface BatchContactHistory {
  loadMany(subscriberIds: readonly string[]): Promise<readonly (readonly ContactRecord[])[]>;
}

export interface StoreSourceOptions {
  /** Subscribers per chunk (default 1,000); a paged store's chunks end on a page boundary, so may hold a few more. */
  chunkSize?: number;
  /**
   * Times a failed read is tried again before the run fails (default 4), after 100 ms, then twice as long each time:
   * a long run on fail-fast Redis clients rides out a timed-out command instead of stopping.
   */
  retries?: number;
  /** Waits between tries (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

/** The position of a paged walk that has read its last page. */
const END = 'end';

/**
 * Reads every profile of `profiles` with its contact history from `history`, in chunks.
 *
 * Positions: for a paged store (Redis) the SCAN cursor after the chunk's last page; for any other store the number
 * of profiles read so far, in the store's scan order. The in-memory store scans in insertion order, which is
 * stable: a population regenerated from the same seed, in the same order, resumes at the same subscriber. Profiles
 * added during a run are read at the end; deleting profiles during a run shifts a count position (a resumed run may
 * then skip or repeat a few subscribers: their history shows what was sent).
 *
 * @example const source = storeSource(profiles, history, { chunkSize: 1_000 });
 */
export function storeSource(
  profiles: ProfileStore,
  history: ContactHistory,
  options: StoreSourceOptions = {},
): WorkSource {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 1_000));
  const retries = Math.max(0, Math.floor(options.retries ?? 4));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const loadHistories = historyLoader(history);
  const reader = isEncodedPaged(profiles)
    ? pagedReader((cursor) => encodedPages(profiles, cursor), chunkSize)
    : isPaged(profiles)
      ? pagedReader((cursor) => decodedPages(profiles, cursor), chunkSize)
      : countedReader(profiles, chunkSize);
  const retried = async <T>(read: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (attempt >= retries) throw error;
        await sleep(100 * 2 ** attempt);
      }
    }
  };
  let seq = 0;
  return {
    total: profiles instanceof InMemoryProfileStore ? profiles.size : undefined,
    async open(position) {
      seq = 0;
      await retried(() => reader.open(position));
    },
    async next() {
      // A failed read leaves the reader where the last chunk ended, so trying again reads the same chunk.
      const batch = await retried(() => reader.next());
      if (!batch) return undefined;
      const histories = await retried(() => loadHistories(batch.subscriberIds));
      reader.accept(batch);
      const chunk: WorkChunk = { seq: seq++, items: [], position: batch.position };
      if (batch.encoded) {
        chunk.encoded = { subscriberIds: batch.subscriberIds, profiles: batch.encoded, histories: [...histories] };
      } else {
        const profiles = batch.profiles ?? [];
        chunk.items = new Array(profiles.length);
        for (let i = 0; i < profiles.length; i++) chunk.items[i] = { profile: profiles[i]!, history: histories[i]! };
      }
      if (batch.skipped > 0) chunk.skipped = batch.skipped;
      return chunk;
    },
    async commit() {},
    async close() {
      await reader.close();
    },
  };
}

/** A chunk's worth of subscribers read: decoded profiles, or their encoded bytes. */
interface Batch {
  subscriberIds: string[];
  profiles?: Profile[];
  encoded?: Uint8Array[];
  skipped: number;
  position: string;
}

/** Reads batches; `next` moves nothing forward until the batch is `accept`ed, so a failed chunk is read again. */
interface ProfileReader {
  open(position: string | undefined): Promise<void>;
  next(): Promise<Batch | undefined>;
  accept(batch: Batch): void;
  close(): Promise<void>;
}

/** A page of either kind, as the paged reader takes it. */
interface Page {
  cursor: string;
  subscriberIds: string[];
  profiles?: Profile[];
  encoded?: Uint8Array[];
  skipped: number;
}

function isPaged(store: ProfileStore): store is ProfileStore & PagedProfileStore {
  return typeof (store as Partial<PagedProfileStore>).scanPages === 'function';
}

function isEncodedPaged(store: ProfileStore): store is ProfileStore & EncodedPagedProfileStore {
  return typeof (store as Partial<EncodedPagedProfileStore>).scanEncodedPages === 'function';
}

async function* decodedPages(store: PagedProfileStore, cursor: string): AsyncIterableIterator<Page> {
  for await (const page of store.scanPages(cursor)) {
    yield { ...page, subscriberIds: page.profiles.map((p) => p.subscriberId) };
  }
}

async function* encodedPages(store: EncodedPagedProfileStore, cursor: string): AsyncIterableIterator<Page> {
  for await (const page of store.scanEncodedPages(cursor)) {
    yield { cursor: page.cursor, subscriberIds: page.subscriberIds, encoded: page.profiles, skipped: 0 };
  }
}

/** Pages accumulated into chunks; the SCAN cursor is the position. SCAN may return a key twice: it is read once. */
function pagedReader(scan: (cursor: string) => AsyncIterableIterator<Page>, chunkSize: number): ProfileReader {
  /** The cursor after the last accepted batch, and the walk reading on from it. */
  let cursor = '0';
  let pages: AsyncIterableIterator<Page> | undefined;
  let ahead: string | undefined;
  const seen = new Set<string>();
  const restart = async () => {
    await pages?.return?.().catch(() => undefined);
    pages = cursor === END ? undefined : scan(cursor);
    ahead = cursor;
  };
  return {
    async open(position) {
      seen.clear();
      cursor = position ?? '0';
      await restart();
    },
    async next() {
      // The walk went past what was accepted (a batch that failed half way): start again from the accepted cursor.
      if (ahead !== cursor) await restart();
      if (!pages) return undefined;
      const profilesRead: Profile[] = [];
      const encodedRead: Uint8Array[] = [];
      const batch: Batch = { subscriberIds: [], skipped: 0, position: cursor };
      const inBatch = new Set<string>();
      try {
        while (batch.subscriberIds.length < chunkSize && batch.position !== END) {
          const page = await pages.next();
          if (page.done) {
            batch.position = END;
            break;
          }
          const { subscriberIds, profiles, encoded } = page.value;
          for (let i = 0; i < subscriberIds.length; i++) {
            const id = subscriberIds[i]!;
            if (seen.has(id) || inBatch.has(id)) continue;
            inBatch.add(id);
            batch.subscriberIds.push(id);
            if (profiles) profilesRead.push(profiles[i]!);
            if (encoded) encodedRead.push(encoded[i]!);
          }
          batch.skipped += page.value.skipped;
          batch.position = page.value.cursor === '0' ? END : page.value.cursor;
        }
      } catch (error) {
        ahead = undefined;
        throw error;
      }
      ahead = batch.position;
      if (encodedRead.length > 0) batch.encoded = encodedRead;
      else batch.profiles = profilesRead;
      if (batch.subscriberIds.length === 0 && batch.skipped === 0 && batch.position === END) {
        cursor = END;
        return undefined;
      }
      return batch;
    },
    accept(batch) {
      for (const id of batch.subscriberIds) seen.add(id);
      cursor = batch.position;
    },
    async close() {
      await pages?.return?.().catch(() => undefined);
    },
  };
}

/** Any store, in its scan order; the number of profiles read is the position. The in-memory store is read without awaits. */
function countedReader(store: ProfileStore, chunkSize: number): ProfileReader {
  let accepted = 0;
  let at = 0;
  let sync: Iterator<Profile> | undefined;
  let scan: AsyncIterator<Profile> | undefined;
  const seek = async (skip: number) => {
    await scan?.return?.().catch(() => undefined);
    sync = undefined;
    scan = undefined;
    if (store instanceof InMemoryProfileStore) sync = store.values();
    else if (store.scan) scan = store.scan();
    else throw new Error('the profile store cannot be scanned (it has no scan())');
    at = 0;
    while (at < skip) {
      const step = sync ? sync.next() : await scan!.next();
      if (step.done) break;
      at++;
    }
  };
  return {
    async open(position) {
      const skip = position === undefined ? 0 : Number(position);
      if (!Number.isInteger(skip) || skip < 0) throw new Error(`not a position of this store's scan: "${position}"`);
      accepted = skip;
      await seek(skip);
    },
    async next() {
      if (at !== accepted) await seek(accepted);
      const profiles: Profile[] = [];
      try {
        while (profiles.length < chunkSize) {
          const step = sync ? sync.next() : await scan!.next();
          if (step.done) break;
          profiles.push(step.value);
        }
      } finally {
        at += profiles.length;
      }
      if (profiles.length === 0) return undefined;
      return { subscriberIds: profiles.map((p) => p.subscriberId), profiles, skipped: 0, position: String(at) };
    },
    accept(batch) {
      accepted = Number(batch.position);
    },
    async close() {
      await scan?.return?.().catch(() => undefined);
    },
  };
}

type HistoryLoader = (subscriberIds: readonly string[]) => Promise<readonly (readonly ContactRecord[])[]>;

/** One pipeline per chunk where the history can (Redis); otherwise per subscriber, with no await when it is synchronous. */
function historyLoader(history: ContactHistory): HistoryLoader {
  const batch = history as Partial<BatchContactHistory>;
  if (typeof batch.loadMany === 'function') return batch.loadMany.bind(history);
  return async (subscriberIds) => {
    const loaded: (readonly ContactRecord[] | Promise<readonly ContactRecord[]>)[] = new Array(subscriberIds.length);
    let pending = false;
    for (let i = 0; i < subscriberIds.length; i++) {
      const records = history.load(subscriberIds[i]!);
      if (records instanceof Promise) pending = true;
      loaded[i] = records;
    }
    return pending ? Promise.all(loaded) : (loaded as readonly (readonly ContactRecord[])[]);
  };
}
