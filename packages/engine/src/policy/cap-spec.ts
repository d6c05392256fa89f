// Caps as plain data, so a store can check and reserve a contact in one atomic step (a Lua script in Redis).
import type { CompiledCap, CompiledCooldown } from './channel-plan.js';
import type { ContactRecord, Outcome } from './contact-history.js';
import type { PolicyCandidate } from './policy-verdict.js';
import { keyOf, matchesCandidate } from './rule-filter.js';
import type { PolicyPer } from './schema.js';

/** A rule's filters as lists of names; an absent list matches every record. */
export interface CapFilter {
  readonly channel?: readonly string[];
  readonly issue?: readonly string[];
  readonly group?: readonly string[];
  readonly action?: readonly string[];
  /**
   * Only records whose decision id starts with this (a campaign's caps: `cmp:<campaignId>:`). Policy rules never set
   * it; it lets a limit count one campaign's contacts, whatever their channel, issue or action.
   */
  readonly decisionPrefix?: string;
}

/**
 * One limit a contact must pass before it is reserved, for one candidate: count the stored records that match
 * `filter`, carry `outcome`, fall in the same `per` bucket as `key` and lie inside `(now - windowMs, ...)`; the
 * contact is refused when that count is already `max` or more.
 *
 * Caps count non-mandatory impressions. Cooldowns ride along as a limit of 1 on their `after` outcome that counts
 * mandatory records too (a mandatory contact starts a cooldown), so two nodes cannot both send inside a cooldown.
 */
export interface CapSpec {
  /** The cap's or cooldown's rule id. */
  readonly id: string;
  readonly kind: 'cap' | 'cooldown';
  readonly max: number;
  readonly windowMs: number;
  readonly per: PolicyPer;
  /** The candidate's bucket under `per`: '' per subscriber, else its action id, group or issue. */
  readonly key: string;
  readonly filter: CapFilter;
  /** The outcome counted: `impression` for caps, the cooldown's `after`. */
  readonly outcome: Outcome;
  /** Whether mandatory records count: never for caps, always for cooldowns. */
  readonly countMandatory: boolean;
}

/** What `ContactHistory.reserve` answers: reserved, or the first limit that refused, with its count and max. */
export type ReserveResult = { ok: true } | { ok: false; cap: string; count: number; limit: number };

export const RESERVED: ReserveResult = Object.freeze({ ok: true });

/**
 * The cap id of a second reservation of one decision's contact with one action: a decision's action is contacted
 * once, whoever asks. Another writer's record of the same decision, action and outcome at the same time refuses it
 * (a retry of the same write is not refused). A campaign process frozen past its entry's claim time, waking to a
 * chunk another process took over, meets it instead of sending the same contact again.
 */
export const ONCE_PER_DECISION = 'ONCE_PER_DECISION';

/** The refusal when `records` already hold `record`'s contact (same time, decision, action and outcome). */
export function reservedBefore(
  records: readonly { at: number; decisionId: string; actionId: string; outcome: string }[],
  record: { at: number; decisionId: string; actionId: string; outcome: string },
): Extract<ReserveResult, { ok: false }> | undefined {
  for (const r of records) {
    if (
      r.at === record.at &&
      r.decisionId === record.decisionId &&
      r.actionId === record.actionId &&
      r.outcome === record.outcome
    ) {
      return { ok: false, cap: ONCE_PER_DECISION, count: 1, limit: 1 };
    }
  }
  return undefined;
}

/** A rule compiled once per channel, waiting for a candidate's key. */
interface SpecTemplate {
  readonly rule: CompiledCap | CompiledCooldown;
  readonly spec: CapSpec;
}

/** Builds, once per channel, the function that lists a candidate's limits: its cooldowns, then its caps, in file order. */
export function capSpecsFor(
  caps: readonly CompiledCap[],
  cooldowns: readonly CompiledCooldown[],
): (candidate: PolicyCandidate) => readonly CapSpec[] {
  // The same order `PolicyEvaluation.check` uses, so a refusal names the rule a verdict would.
  const cooldownTemplates = cooldowns.map((rule) => template(rule, 'cooldown', 1, rule.durationMs, rule.after, true));
  const capTemplates = caps.map((rule) => template(rule, 'cap', rule.max, rule.windowMs, 'impression', false));
  return (candidate) => {
    const specs: CapSpec[] = [];
    collect(specs, cooldownTemplates, candidate);
    // Mandatory (service, regulatory) actions bypass caps, as in the policy verdicts.
    if (!candidate.mandatory) collect(specs, capTemplates, candidate);
    return specs;
  };
}

function template(
  rule: CompiledCap | CompiledCooldown,
  kind: CapSpec['kind'],
  max: number,
  windowMs: number,
  outcome: Outcome,
  countMandatory: boolean,
): SpecTemplate {
  const filter: { -readonly [K in keyof CapFilter]: CapFilter[K] } = {};
  if (rule.filter.channels) filter.channel = Object.freeze([...rule.filter.channels]);
  if (rule.filter.issues) filter.issue = Object.freeze([...rule.filter.issues]);
  if (rule.filter.groups) filter.group = Object.freeze([...rule.filter.groups]);
  if (rule.filter.actions) filter.action = Object.freeze([...rule.filter.actions]);
  const spec: CapSpec = {
    id: rule.id,
    kind,
    max,
    windowMs,
    per: rule.per,
    key: '',
    filter: Object.freeze(filter),
    outcome,
    countMandatory,
  };
  return { rule, spec: Object.freeze(spec) };
}

function collect(specs: CapSpec[], templates: readonly SpecTemplate[], candidate: PolicyCandidate): void {
  for (const { rule, spec } of templates) {
    if (!matchesCandidate(rule.filter, candidate)) continue;
    specs.push(rule.per === 'subscriber' ? spec : Object.freeze({ ...spec, key: rule.keyOf(candidate) }));
  }
}

/**
 * The first limit the stored records already use up at `now`, or undefined when a contact may be reserved.
 * This is the reference semantics: the Redis script in the server evaluates exactly this.
 *
 * @example firstCapReached(history, policy.capsFor(candidate, 'sms'), now) // { ok: false, cap: 'sms-per-day', count: 1, limit: 1 }
 */
export function firstCapReached(
  records: readonly ContactRecord[],
  caps: readonly CapSpec[],
  now: number,
): Extract<ReserveResult, { ok: false }> | undefined {
  for (const cap of caps) {
    const since = now - cap.windowMs;
    let count = 0;
    for (const record of records) {
      if (record.at > since && recordCounts(cap, record)) count++;
    }
    if (count >= cap.max) return { ok: false, cap: cap.id, count, limit: cap.max };
  }
  return undefined;
}

/** Whether a record counts toward a limit, time aside: outcome, mandatory, filters and `per` bucket. */
export function recordCounts(cap: CapSpec, record: ContactRecord): boolean {
  if (record.outcome !== cap.outcome || (record.mandatory && !cap.countMandatory)) return false;
  const { filter } = cap;
  if (filter.channel && !filter.channel.includes(record.channel)) return false;
  if (filter.issue && !filter.issue.includes(record.issue)) return false;
  if (filter.group && !filter.group.includes(record.group)) return false;
  if (filter.action && !filter.action.includes(record.actionId)) return false;
  if (filter.decisionPrefix !== undefined && !record.decisionId.startsWith(filter.decisionPrefix)) return false;
  return keyOf(cap.per)(record) === cap.key;
}
