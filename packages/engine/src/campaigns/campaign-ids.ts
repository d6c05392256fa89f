// Campaign decision ids: stable across a run's restarts, so a resumed run finds what it already reserved.

/**
 * The decision id of one subscriber in one campaign run: the contact record the runner reserves carries it, and the
 * idempotency key of what it sends is `<decisionId>:<actionId>`.
 * @example campaignDecisionId('fiber-upgrade-autumn', 'r1', 'SUB-00000001') // 'cmp:fiber-upgrade-autumn:r1:SUB-00000001'
 */
export function campaignDecisionId(campaignId: string, runId: string, subscriberId: string): string {
  return `${campaignDecisionPrefix(campaignId)}${runId}:${subscriberId}`;
}

/** What every decision id of a campaign starts with; its caps count the records that carry it (CapFilter `decisionPrefix`). */
export function campaignDecisionPrefix(campaignId: string): string {
  return `cmp:${campaignId}:`;
}
