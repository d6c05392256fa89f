// Loads the subscribers of one work stream entry: their profiles and contact histories, read at once.
import type { ContactRecord } from '@arbiter/engine';
import type { Redis } from 'ioredis';
import { decodeContact } from '../redis/contact-history-codec.js';
import { decodeProfile } from '../redis/profile-store-codec.js';
import type { WorkItem } from './run-types.js';
import type { BatchContactHistory } from './store-source.js';

export interface SubscriberReadOptions {
  /** `<prefix>profile:` */
  profilePrefix: string;
  /** `<historyPrefix>contacts:`, read here when there is no `history`. */
  contactsPrefix: string;
  /** The run's contact history (its `loadMany` adds records still buffered in this process). */
  history?: BatchContactHistory;
}

/**
 * The work items of `ids`, in their order: one pipeline for the profiles (MGET) and, without a `history`, the contact
 * histories (ZRANGE each). A profile deleted since it was put on the stream is left out (no longer in the
 * population); an undecodable profile or contact record is counted in `skipped`.
 */
export async function loadSubscribers(
  redis: Redis,
  ids: readonly string[],
  options: SubscriberReadOptions,
): Promise<{ items: WorkItem[]; skipped: number }> {
  const { profilePrefix, contactsPrefix, history } = options;
  const pipeline = redis.pipeline();
  pipeline.mgetBuffer(...ids.map((id) => profilePrefix + id));
  if (history === undefined) for (const id of ids) pipeline.zrange(contactsPrefix + id, 0, -1);
  const [replies, loaded] = await Promise.all([pipeline.exec(), history?.loadMany(ids)]);
  const values = (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const profiles = (values[0] ?? []) as (Buffer | null)[];
  const items: WorkItem[] = [];
  let skipped = 0;
  ids.forEach((id, i) => {
    const bytes = profiles[i];
    if (!bytes) return;
    try {
      const profile = decodeProfile(bytes, profilePrefix + id);
      const records: readonly ContactRecord[] = loaded
        ? loaded[i]!
        : (values[i + 1] as string[]).map((member) => decodeContact(member, id));
      items.push({ profile, history: records });
    } catch {
      skipped++;
    }
  });
  return { items, skipped };
}
