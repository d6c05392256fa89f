// The control group: a stable hash of campaign and subscriber, so the same subscribers are held out on every run.
import { hashString } from '../collections/hash-string.js';

/**
 * Where a subscriber falls in [0, 1) for a campaign: the same on every run and every process, independent between
 * campaigns. A subscriber is in the control group when this is below the campaign's `controlShare`.
 * @example controlPosition('fiber-upgrade-autumn', 'SUB-00000001') // 0.37..., on every run
 */
export function controlPosition(campaignId: string, subscriberId: string): number {
  // A final avalanche (murmur3's fmix32): FNV-1a alone maps ids that differ in the last digit to nearby values.
  let h = hashString(`${campaignId}:${subscriberId}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** Whether the subscriber is held out of the campaign: `controlShare` is 0..1 (0.05 for `controlGroup: 5%`). */
export function inControlGroup(campaignId: string, subscriberId: string, controlShare: number): boolean {
  return controlShare > 0 && controlPosition(campaignId, subscriberId) < controlShare;
}
