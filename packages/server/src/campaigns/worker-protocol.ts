// What the coordinator and its worker threads say to each other, and the decide loop both sides share.

import type { CampaignOutcome, CampaignRunRef, CompiledCampaign, ContactRecord, Profile } from '@arbiter/engine';
import { errorMessage } from '@arbiter/engine';
import { Packr } from 'msgpackr';
import { decodeProfile } from '../redis/profile-store-codec.js';
import type { CampaignRunErrorCode } from './campaign-run-errors.js';
import type { EncodedItems, WorkChunk, WorkItem } from './run-types.js';

/** A worker's `workerData`: where to load the rules from, which version they must be, and the run it decides for. */
export interface WorkerInit {
  rulesDir: string;
  configVersion: string;
  campaignId: string;
  run: CampaignRunRef;
}

/** A chunk on its way to a worker: `payload` is a packed `ChunkPayload`, in a buffer transferred with the message. */
export type ToWorker = { type: 'chunk'; seq: number; payload: Uint8Array };

/** What a chunk carries to be decided: profiles, or profiles still encoded as the store keeps them. */
export type ChunkPayload = { items: WorkItem[] } | { encoded: EncodedItems };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; code: CampaignRunErrorCode; message: string }
  | { type: 'outcomes'; seq: number; outcomes: Uint8Array };

/**
 * Chunks cross threads as msgpack records in a transferred buffer rather than by structured clone: on 1,000
 * generated profiles, packing takes about 2 ms and unpacking 0.8 ms, against about 6 ms for a structured clone
 * (both ends), and the unpacked profiles share one shape. Every message carries its own record definitions.
 */
const packr = new Packr({ useRecords: true, moreTypes: false });

/** Packs into a buffer of its own (msgpackr reuses its output buffer), so it can be transferred. */
export function pack(value: unknown): Uint8Array {
  const packed = packr.pack(value);
  const own = new Uint8Array(packed.length);
  own.set(packed);
  return own;
}

export function unpack<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** The number of subscribers in a chunk, whichever form they come in. */
export function chunkSize(chunk: WorkChunk): number {
  return chunk.encoded ? chunk.encoded.subscriberIds.length : chunk.items.length;
}

export function payloadOf(chunk: WorkChunk): ChunkPayload {
  return chunk.encoded ? { encoded: chunk.encoded } : { items: chunk.items };
}

/** The part of the engine's campaign decider a run uses. */
export interface Decider {
  decide(
    campaign: CompiledCampaign,
    run: CampaignRunRef,
    profile: Profile,
    history: readonly ContactRecord[],
  ): CampaignOutcome | Promise<CampaignOutcome>;
}

/**
 * Decides every item of a chunk, in order. The decider never throws by contract; if it does, that subscriber is
 * dropped with DECISION_ERROR rather than the chunk being lost. No await when the decision is synchronous.
 */
export async function decideItems(
  decider: Decider,
  campaign: CompiledCampaign,
  run: CampaignRunRef,
  items: readonly WorkItem[],
): Promise<CampaignOutcome[]> {
  const outcomes: CampaignOutcome[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const { profile, history } = items[i]!;
    try {
      const outcome = decider.decide(campaign, run, profile, history);
      outcomes[i] = outcome instanceof Promise ? await outcome : outcome;
    } catch (error) {
      outcomes[i] = {
        subscriberId: profile.subscriberId,
        status: 'dropped',
        reason: 'DECISION_ERROR',
        detail: errorMessage(error),
      };
    }
  }
  return outcomes;
}

/**
 * Decides a chunk's payload, decoding encoded profiles first. A profile that does not decode is dropped with
 * DECISION_ERROR (PROFILE_DECODE_FAILED in the detail), after the others: it is written and counted, never lost.
 */
export async function decidePayload(
  decider: Decider,
  campaign: CompiledCampaign,
  run: CampaignRunRef,
  payload: ChunkPayload,
): Promise<CampaignOutcome[]> {
  if ('items' in payload) return decideItems(decider, campaign, run, payload.items);
  const { subscriberIds, profiles, histories } = payload.encoded;
  const items: WorkItem[] = [];
  const failed: CampaignOutcome[] = [];
  for (let i = 0; i < subscriberIds.length; i++) {
    const subscriberId = subscriberIds[i]!;
    try {
      items.push({ profile: decodeProfile(profiles[i]!, `profile:${subscriberId}`), history: histories[i] ?? [] });
    } catch (error) {
      const detail = `PROFILE_DECODE_FAILED: ${errorMessage(error)}`;
      failed.push({ subscriberId, status: 'dropped', reason: 'DECISION_ERROR', detail });
    }
  }
  const outcomes = await decideItems(decider, campaign, run, items);
  return failed.length > 0 ? outcomes.concat(failed) : outcomes;
}
