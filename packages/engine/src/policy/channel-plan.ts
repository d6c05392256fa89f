// A contact policy compiled per channel: its consent, quiet hours and the rules that can apply on it.
import type { Outcome } from './contact-history.js';
import { parseDuration } from './duration.js';
import type { PolicyVerdict } from './policy-verdict.js';
import { compileQuietHours, type QuietHours } from './quiet-hours.js';
import { appliesToChannel, compileFilter, type KeyOf, keyOf, type RuleFilter } from './rule-filter.js';
import type { ContactPolicyConfig, PolicyPer } from './schema.js';

interface CompiledRule {
  readonly id: string;
  readonly filter: RuleFilter;
  readonly per: PolicyPer;
  readonly keyOf: KeyOf;
  /** ` for this action` (empty per subscriber), appended to verdict details. */
  readonly perText: string;
}

export interface CompiledCap extends CompiledRule {
  readonly max: number;
  readonly windowMs: number;
  readonly window: string;
}

export interface CompiledCooldown extends CompiledRule {
  readonly after: Outcome;
  readonly durationMs: number;
  readonly duration: string;
}

export interface CompiledSuppression extends CompiledRule {
  readonly rejects: number;
  readonly withinMs: number;
  readonly within: string;
  readonly forMs: number;
  readonly for: string;
}

/** Everything the policy knows about one channel, built once at load so `begin()` does no lookups by name. */
export interface ChannelPlan {
  readonly channel: string;
  /** Set when the channel needs consent: the verdict for every candidate of a subscriber without it. */
  readonly consentKey: string | undefined;
  readonly optedOut: PolicyVerdict | undefined;
  /** Set when the channel is a marketing channel: the key and the verdict for non-mandatory candidates without it. */
  readonly marketingKey: string | undefined;
  readonly noMarketingConsent: PolicyVerdict | undefined;
  readonly quietHours: QuietHours | undefined;
  readonly caps: readonly CompiledCap[];
  readonly cooldowns: readonly CompiledCooldown[];
  readonly suppressions: readonly CompiledSuppression[];
}

/** The compiled rules of a checked config (all channels), and how far back any of them looks. */
export interface CompiledRules {
  readonly caps: readonly CompiledCap[];
  readonly cooldowns: readonly CompiledCooldown[];
  readonly suppressions: readonly CompiledSuppression[];
  readonly horizonMs: number;
}

/** Compiles the caps, cooldowns and suppression rules of a checked config. */
export function compileRules(config: ContactPolicyConfig): CompiledRules {
  const caps = (config.caps ?? []).map(
    (cap): CompiledCap => ({
      ...base(cap),
      max: cap.max,
      windowMs: ms(cap.window),
      window: cap.window,
    }),
  );
  const cooldowns = (config.cooldowns ?? []).map(
    (cooldown): CompiledCooldown => ({
      ...base(cooldown),
      after: cooldown.after ?? 'impression',
      durationMs: ms(cooldown.duration),
      duration: cooldown.duration,
    }),
  );
  const suppressions = (config.suppression ?? []).map(
    (rule): CompiledSuppression => ({
      ...base(rule),
      rejects: rule.rejects,
      withinMs: ms(rule.within),
      within: rule.within,
      forMs: ms(rule.for),
      for: rule.for,
    }),
  );
  // A suppression triggered `for` ago by rejects spread over `within` is still in force, so it looks back both.
  const horizonMs = Math.max(
    0,
    ...caps.map((c) => c.windowMs),
    ...cooldowns.map((c) => c.durationMs),
    ...suppressions.map((s) => s.withinMs + s.forMs),
  );
  return { caps, cooldowns, suppressions, horizonMs };
}

/** The plan for one defined channel: its own settings and the rules whose channel filter admits it. */
export function planChannel(config: ContactPolicyConfig, rules: CompiledRules, channel: string): ChannelPlan {
  const settings = config.channels[channel];
  const consentKey = settings?.consent;
  const marketing = config.marketingConsent;
  const marketingKey = marketing?.channels.includes(channel) ? marketing.key : undefined;
  return {
    channel,
    consentKey,
    optedOut:
      consentKey === undefined
        ? undefined
        : Object.freeze({
            reason: 'OPTED_OUT',
            detail: `channel ${channel} needs consent "${consentKey}", which the subscriber has not given`,
          }),
    marketingKey,
    noMarketingConsent:
      marketingKey === undefined
        ? undefined
        : Object.freeze({
            reason: 'NO_MARKETING_CONSENT',
            detail: `channel ${channel} needs marketing consent "${marketingKey}" for non-mandatory actions`,
          }),
    quietHours: settings?.quietHours ? compileQuietHours(settings.quietHours) : undefined,
    caps: rules.caps.filter((rule) => appliesToChannel(rule.filter, channel)),
    cooldowns: rules.cooldowns.filter((rule) => appliesToChannel(rule.filter, channel)),
    suppressions: rules.suppressions.filter((rule) => appliesToChannel(rule.filter, channel)),
  };
}

function base(rule: Parameters<typeof compileFilter>[0] & { id: string; per?: PolicyPer }): CompiledRule {
  const per = rule.per ?? 'subscriber';
  return {
    id: rule.id,
    filter: compileFilter(rule),
    per,
    keyOf: keyOf(per),
    perText: per === 'subscriber' ? '' : ` for this ${per}`,
  };
}

function ms(duration: string): number {
  return parseDuration(duration) ?? 0;
}
