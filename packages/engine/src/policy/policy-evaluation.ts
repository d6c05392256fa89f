// One decision's view of the contact policy: per-decision facts computed once, then a cheap check per candidate.
import type { ChannelPlan, CompiledCap, CompiledCooldown, CompiledSuppression } from './channel-plan.js';
import type { ContactRecord } from './contact-history.js';
import { formatDuration } from './duration.js';
import type { PolicyCandidate, PolicyVerdict } from './policy-verdict.js';
import { matchesCandidate, matchesRecord } from './rule-filter.js';

/** The contact policy for one decision: call `check` for each candidate. */
export interface PolicyEvaluation {
  readonly channel: string;
  /** Undefined when the candidate may be contacted; otherwise why not. */
  check(candidate: PolicyCandidate): PolicyVerdict | undefined;
}

/** A suppression in force for one key. */
interface ActiveSuppression {
  readonly until: number;
  readonly count: number;
}

const NO_COUNTS: ReadonlyMap<string, number> = new Map();
const NO_SUPPRESSIONS: ReadonlyMap<string, ActiveSuppression> = new Map();
const NOT_FOUND = -1;

/**
 * The evaluation of a known channel. Rule state (counts per key) is built lazily, the first time a rule applies to a
 * candidate, in one pass over the history; a rule no candidate meets costs nothing.
 */
export class ChannelEvaluation implements PolicyEvaluation {
  readonly channel: string;
  private readonly plan: ChannelPlan;
  private readonly now: number;
  private readonly history: readonly ContactRecord[];
  /** Blocks every candidate: opted out of the channel. */
  private readonly blocked: PolicyVerdict | undefined;
  /** Blocks non-mandatory candidates. */
  private readonly marketing: PolicyVerdict | undefined;
  /** Blocks every candidate that the consents let through. */
  private readonly quiet: PolicyVerdict | undefined;
  private readonly capCounts: (ReadonlyMap<string, number> | undefined)[] = [];
  private readonly cooldownLatest: (ReadonlyMap<string, number> | undefined)[] = [];
  private readonly suppressionsActive: (ReadonlyMap<string, ActiveSuppression> | undefined)[] = [];
  /** Verdicts of per-subscriber rules: the same for every candidate they block, so made once. */
  private readonly subscriberVerdicts: (PolicyVerdict | undefined)[] = [];

  constructor(
    plan: ChannelPlan,
    now: number,
    history: readonly ContactRecord[],
    blocked: PolicyVerdict | undefined,
    marketing: PolicyVerdict | undefined,
    quiet: PolicyVerdict | undefined,
  ) {
    this.channel = plan.channel;
    this.plan = plan;
    this.now = now;
    this.history = history;
    this.blocked = blocked;
    this.marketing = marketing;
    this.quiet = quiet;
  }

  check(candidate: PolicyCandidate): PolicyVerdict | undefined {
    if (this.blocked !== undefined) return this.blocked;
    if (!candidate.mandatory && this.marketing !== undefined) return this.marketing;
    if (this.quiet !== undefined) return this.quiet;
    // Mandatory (service, regulatory) actions bypass caps and suppression, but still rest after a contact
    // (cooldowns), so the same notice is not sent again on every decision.
    if (this.history.length === 0) return candidate.mandatory ? undefined : this.checkZeroCaps(candidate);
    const { suppressions, cooldowns, caps } = this.plan;
    for (let i = 0; i < suppressions.length && !candidate.mandatory; i++) {
      const rule = suppressions[i]!;
      if (!matchesCandidate(rule.filter, candidate)) continue;
      const state = this.suppressionState(i, rule);
      // Most subscribers have nothing under most rules: skip the key lookup.
      if (state.size === 0) continue;
      const active = state.get(rule.keyOf(candidate));
      if (active !== undefined) return this.recalled(i) ?? this.remember(i, rule, suppressionVerdict(rule, active));
    }
    const base = suppressions.length;
    for (let i = 0; i < cooldowns.length; i++) {
      const rule = cooldowns[i]!;
      if (!matchesCandidate(rule.filter, candidate)) continue;
      const state = this.cooldownState(i, rule);
      if (state.size === 0) continue;
      const latest = state.get(rule.keyOf(candidate));
      if (latest !== undefined) {
        return this.recalled(base + i) ?? this.remember(base + i, rule, cooldownVerdict(rule, latest, this.now));
      }
    }
    if (candidate.mandatory) return undefined;
    const capBase = base + cooldowns.length;
    for (let i = 0; i < caps.length; i++) {
      const rule = caps[i]!;
      if (!matchesCandidate(rule.filter, candidate)) continue;
      const state = this.capState(i, rule);
      if (state.size === 0 && rule.max > 0) continue;
      const key = rule.keyOf(candidate);
      const count = state.get(key) ?? 0;
      if (count >= rule.max) {
        return this.recalled(capBase + i) ?? this.remember(capBase + i, rule, this.capVerdict(rule, key, count));
      }
    }
    return undefined;
  }

  /** Without history only a `max: 0` cap (a channel closed to non-mandatory contacts) can block. */
  private checkZeroCaps(candidate: PolicyCandidate): PolicyVerdict | undefined {
    const { suppressions, cooldowns, caps } = this.plan;
    const capBase = suppressions.length + cooldowns.length;
    for (let i = 0; i < caps.length; i++) {
      const rule = caps[i]!;
      if (rule.max === 0 && matchesCandidate(rule.filter, candidate)) {
        return this.recalled(capBase + i) ?? this.remember(capBase + i, rule, this.capVerdict(rule, '', 0));
      }
    }
    return undefined;
  }

  private recalled(index: number): PolicyVerdict | undefined {
    return this.subscriberVerdicts[index];
  }

  private remember(index: number, rule: { readonly per: string }, verdict: PolicyVerdict): PolicyVerdict {
    if (rule.per === 'subscriber') this.subscriberVerdicts[index] = verdict;
    return verdict;
  }

  /** Non-mandatory impressions under the cap's filters inside its window, counted per key. */
  private capState(index: number, rule: CompiledCap): ReadonlyMap<string, number> {
    let counts = this.capCounts[index];
    if (counts !== undefined) return counts;
    const since = this.now - rule.windowMs;
    let built: Map<string, number> | undefined;
    for (const record of this.history) {
      if (!countsTowardCap(record, since) || !matchesRecord(rule.filter, record)) continue;
      built ??= new Map();
      const key = rule.keyOf(record);
      built.set(key, (built.get(key) ?? 0) + 1);
    }
    counts = built ?? NO_COUNTS;
    this.capCounts[index] = counts;
    return counts;
  }

  /** The newest record with the cooldown's outcome inside its duration, per key. */
  private cooldownState(index: number, rule: CompiledCooldown): ReadonlyMap<string, number> {
    let latest = this.cooldownLatest[index];
    if (latest !== undefined) return latest;
    const since = this.now - rule.durationMs;
    let built: Map<string, number> | undefined;
    for (const record of this.history) {
      if (record.outcome !== rule.after || record.at <= since || !matchesRecord(rule.filter, record)) continue;
      built ??= new Map();
      const key = rule.keyOf(record);
      const seen = built.get(key);
      if (seen === undefined || record.at > seen) built.set(key, record.at);
    }
    latest = built ?? NO_COUNTS;
    this.cooldownLatest[index] = latest;
    return latest;
  }

  /** The keys under a suppression still in force: rejects grouped per key, then the latest trigger found. */
  private suppressionState(index: number, rule: CompiledSuppression): ReadonlyMap<string, ActiveSuppression> {
    let active = this.suppressionsActive[index];
    if (active !== undefined) return active;
    const since = this.now - rule.withinMs - rule.forMs;
    let rejects: Map<string, number[]> | undefined;
    for (const record of this.history) {
      if (record.outcome !== 'reject' || record.at <= since || !matchesRecord(rule.filter, record)) continue;
      rejects ??= new Map();
      const key = rule.keyOf(record);
      const times = rejects.get(key);
      if (times === undefined) rejects.set(key, [record.at]);
      else times.push(record.at);
    }
    let built: Map<string, ActiveSuppression> | undefined;
    if (rejects !== undefined) {
      for (const [key, times] of rejects) {
        const found = activeSuppression(rule, times, this.now);
        if (found === undefined) continue;
        built ??= new Map();
        built.set(key, found);
      }
    }
    active = built ?? NO_SUPPRESSIONS;
    this.suppressionsActive[index] = active;
    return active;
  }

  private capVerdict(rule: CompiledCap, key: string, count: number): PolicyVerdict {
    return {
      reason: 'CAP_REACHED',
      rule: rule.id,
      detail: `cap ${rule.id}: ${count} of ${rule.max} contacts in ${rule.window}${rule.perText}`,
      count,
      limit: rule.max,
      until: this.capLiftsAt(rule, key, count),
    };
  }

  /** When enough counted contacts have aged out of the window to leave room for one more; never for `max: 0`. */
  private capLiftsAt(rule: CompiledCap, key: string, count: number): number | undefined {
    if (rule.max === 0) return undefined;
    const since = this.now - rule.windowMs;
    const times: number[] = [];
    for (const record of this.history) {
      if (countsTowardCap(record, since) && matchesRecord(rule.filter, record) && rule.keyOf(record) === key) {
        times.push(record.at);
      }
    }
    times.sort((a, b) => a - b);
    // The oldest `count - max + 1` must expire; the last of them is the max-th newest.
    const pivot = times[count - rule.max];
    return pivot === undefined ? undefined : pivot + rule.windowMs;
  }
}

function countsTowardCap(record: ContactRecord, since: number): boolean {
  return record.outcome === 'impression' && !record.mandatory && record.at > since;
}

/**
 * The suppression in force from one key's reject times, if any. A trigger is a reject that completes `rejects`
 * rejects within `within`; it holds for `for` after that reject. The latest trigger decides.
 */
function activeSuppression(rule: CompiledSuppression, times: number[], now: number): ActiveSuppression | undefined {
  if (times.length < rule.rejects) return undefined;
  times.sort((a, b) => a - b);
  let trigger = NOT_FOUND;
  for (let i = times.length - 1; i >= rule.rejects - 1; i--) {
    if (times[i]! - times[i - rule.rejects + 1]! < rule.withinMs) {
      trigger = i;
      break;
    }
  }
  if (trigger === NOT_FOUND) return undefined;
  const triggeredAt = times[trigger]!;
  const until = triggeredAt + rule.forMs;
  if (until <= now) return undefined;
  let count = 0;
  for (let i = trigger; i >= 0 && triggeredAt - times[i]! < rule.withinMs; i--) count++;
  return { until, count };
}

function suppressionVerdict(rule: CompiledSuppression, active: ActiveSuppression): PolicyVerdict {
  return {
    reason: 'SUPPRESSED_AFTER_REJECTS',
    rule: rule.id,
    detail: `suppression ${rule.id}: ${active.count} rejects within ${rule.within}${rule.perText}, not offered for ${rule.for} after the last`,
    count: active.count,
    limit: rule.rejects,
    until: active.until,
  };
}

function cooldownVerdict(rule: CompiledCooldown, latest: number, now: number): PolicyVerdict {
  return {
    reason: 'COOLDOWN',
    rule: rule.id,
    detail: `cooldown ${rule.id}: ${rule.after} ${formatDuration(Math.max(0, now - latest))} ago${rule.perText}, rests ${rule.duration}`,
    until: latest + rule.durationMs,
  };
}
