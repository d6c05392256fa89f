// One live run per campaign across the servers that share the Redis stores: a lease each real run holds while it goes.
// The in-memory stores have none (one process: the campaign service's own map keeps the rule there).

/** What holding a campaign's lease answered: this run holds it, or another run does (named). */
export type LeaseAnswer = { held: true } | { held: false; runId: string };

export interface CampaignLeases {
  /** How long a hold lasts without renewal (ms); a live run renews it every third of that. */
  readonly ttlMs: number;
  /**
   * Takes campaign `campaignId`'s lease for `runId`, or renews this process's hold. The processes of one shared run
   * all hold it; another run's hold refuses it. Rejects when the store cannot answer.
   */
  hold(campaignId: string, runId: string): Promise<LeaseAnswer>;
  /** Lets go of this process's hold on the run's lease; the lease ends with its last holder. */
  release(campaignId: string, runId: string): Promise<void>;
}
