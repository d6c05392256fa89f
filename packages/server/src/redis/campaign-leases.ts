// Campaign run leases on Redis (one live run per campaign across servers): one Lua script takes, renews and releases
// a hold, on Redis's clock, so that a process that dies without letting go loses its hold after `ttlMs`.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { CampaignLeases, LeaseAnswer } from '../campaigns/run-lease.js';

const CAMPAIGN_LEASE_LUA = readFileSync(new URL('./lua/campaign-lease.lua', import.meta.url), 'utf8');
const COMMAND = 'arbiterCampaignLease';
/** Numbers the instances of this process: two runtimes in one process are two holders. */
let instances = 0;

type LeaseCommand = (
  key: string,
  mode: 'hold' | 'release',
  runId: string,
  holder: string,
  ttlMs: string,
) => Promise<[held: number, runId: string]>;

export interface RedisCampaignLeasesOptions {
  redis: Redis;
  /** Prefix of every key (default `arbiter:`); a lease is `<prefix>campaign-lease:<campaignId>`. */
  keyPrefix?: string;
  /** How long a hold lasts without renewal (default 30,000 ms). */
  ttlMs?: number;
  /** This holder's name in the lease (default `<hostname>:<pid>:<n>`, n counting the instances made here). */
  holder?: string;
}

/**
 * @example
 * const leases = new RedisCampaignLeases({ redis });
 * const answer = await leases.hold('fiber-upgrade-autumn', runId); // { held: false, runId: 'r-…' } if another runs
 */
export class RedisCampaignLeases implements CampaignLeases {
  readonly ttlMs: number;
  readonly #command: LeaseCommand;
  readonly #keyPrefix: string;
  readonly #holder: string;

  constructor(options: RedisCampaignLeasesOptions) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.#keyPrefix = options.keyPrefix ?? 'arbiter:';
    this.#holder = options.holder ?? `${hostname()}:${process.pid}:${++instances}`;
    const { redis } = options;
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: CAMPAIGN_LEASE_LUA });
    this.#command = (redis as unknown as Record<string, LeaseCommand>)[COMMAND]!.bind(redis);
  }

  async hold(campaignId: string, runId: string): Promise<LeaseAnswer> {
    const [held, holding] = await this.#run('hold', campaignId, runId);
    return held === 1 ? { held: true } : { held: false, runId: holding };
  }

  async release(campaignId: string, runId: string): Promise<void> {
    await this.#run('release', campaignId, runId);
  }

  #run(mode: 'hold' | 'release', campaignId: string, runId: string) {
    const key = `${this.#keyPrefix}campaign-lease:${campaignId}`;
    return this.#command(key, mode, runId, this.#holder, String(this.ttlMs));
  }
}
