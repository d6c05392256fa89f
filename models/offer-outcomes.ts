// Simulated offer outcomes for training: a subscriber, an offer shown on a channel, and whether it was accepted.

import type { GeneratedProfile } from '../packages/engine/src/population/index.js';
import { generateProfile } from '../packages/engine/src/population/index.js';
import type { ScoringAction } from '../packages/engine/src/scoring/index.js';
import { OFFER_CHANNELS, OFFER_ISSUES } from './offer-acceptance-manifest.js';
import { SeededRandom } from './seeded-random.js';

export type OfferIssue = (typeof OFFER_ISSUES)[number];
export type OfferChannel = (typeof OFFER_CHANNELS)[number];

/** An offer as the model sees it: an issue and the attributes price (EUR), dataGb and discountPct. */
export interface ShownOffer {
  readonly issue: OfferIssue;
  readonly price: number;
  readonly dataGb: number;
  readonly discountPct: number;
}

/** One training row: who, where, what, and the outcome drawn from the hidden acceptance probability. */
export interface OfferOutcome {
  readonly profile: GeneratedProfile;
  readonly channel: OfferChannel;
  readonly offer: ShownOffer;
  /** The hidden ground-truth probability (never a model input; tests use it to sanity-check the fit). */
  readonly probability: number;
  readonly accepted: boolean;
}

/** The offer as an action-like record, the shape the engine's feature layout reads. */
export function offerAction(offer: ShownOffer): ScoringAction {
  return {
    id: `sample-${offer.issue}`,
    issue: offer.issue,
    attributes: { price: offer.price, dataGb: offer.dataGb, discountPct: offer.discountPct },
  };
}

/** Hidden effects by channel: an agent converts far better than a banner; email is easy to ignore. */
const CHANNEL_EFFECT: Readonly<Record<OfferChannel, number>> = {
  web: 0,
  app: 0.4,
  agent: 1.3,
  sms: -0.2,
  email: -0.6,
  push: -0.1,
};

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : Math.min(x, hi);
}

/**
 * The hidden ground truth: the log-odds that `profile` accepts `offer` on `channel`, before per-contact noise.
 * The effects a telco marketer would expect, with interactions a linear model cannot see on its own.
 */
export function acceptanceLogit(p: GeneratedProfile, channel: OfferChannel, offer: ShownOffer): number {
  let z = -3.2 + CHANNEL_EFFECT[channel] + 0.006 * Math.min(p.tenureMonths, 48);
  if (p.segment === 'business' && (channel === 'sms' || channel === 'email')) z -= 0.3;
  switch (offer.issue) {
    case 'Roaming':
      // Roaming passes sell to people abroad now, and hardly at all to anyone else.
      z += p.roamingNow ? 3.2 : -1.8;
      z += 0.25 * Math.min(offer.dataGb, 5) - 0.1 * offer.price;
      break;
    case 'Growth':
      // Top-ups sell when the bundle runs out; prepaid subscribers cannot run over, so they buy.
      z += 2.8 * sigmoid((p.dataUsedPct - 85) / 8) - 0.6;
      if (p.planType === 'prepaid' && p.dataUsedPct > 80) z += 0.5;
      if (p.householdLines >= 3) z += 0.4;
      if (p.segment === 'youth') z += 0.3;
      z += 0.08 * Math.min(offer.dataGb, 10) - 0.09 * offer.price;
      break;
    case 'Devices': {
      // Handset offers land when the contract ends and the phone is old.
      const d = p.contractDaysLeft;
      z += d === null ? -0.3 : d < 60 ? 2.4 : d < 120 ? 1.5 : d < 240 ? 0.4 : -0.6;
      z += 0.035 * clamp(p.deviceAgeMonths - 18, 0, 36) + (p.device5g ? -0.5 : 0.3);
      z += 0.005 * (p.arpu - 60) - 0.045 * offer.price;
      if (p.segment === 'senior') z -= 0.4;
      break;
    }
    case 'Retention':
      // Discounts save those about to leave; agents are better at it than any banner.
      z += 5 * (p.churnRisk - 0.3) + 0.05 * offer.discountPct + 0.04 * Math.min(offer.dataGb, 10);
      z += 0.15 * Math.min(p.careContacts90d, 4);
      if (channel === 'agent') z += 0.7;
      break;
    case 'Care':
      // Help is taken by those who called recently; detractors (NPS, not a model input) more so.
      z += 0.7 * Math.min(p.careContacts90d, 4) - 0.8;
      if (p.npsScore !== null && p.npsScore <= 6) z += 0.6;
      if (p.seniorCitizen) z += 0.4;
      if (channel === 'agent') z += 0.5;
      break;
  }
  return z;
}

function drawChannel(r: SeededRandom, p: GeneratedProfile): OfferChannel {
  const weights = [0.28, p.appUser ? 0.24 : 0, 0.1, 0.16, 0.16, p.appUser ? 0.06 : 0];
  return r.weighted(OFFER_CHANNELS, weights);
}

function drawIssue(r: SeededRandom, p: GeneratedProfile): OfferIssue {
  // Mostly random (an exploration policy), with some targeting as a live NBA would do.
  if (p.roamingNow && r.chance(0.5)) return 'Roaming';
  if (p.contractDaysLeft !== null && p.contractDaysLeft < 120 && r.chance(0.3)) return 'Devices';
  if (p.churnRisk > 0.5 && r.chance(0.2)) return 'Retention';
  return OFFER_ISSUES[r.int(0, OFFER_ISSUES.length - 1)]!;
}

function drawOffer(r: SeededRandom, issue: OfferIssue): ShownOffer {
  const jitter = (x: number) => Math.round(x * (0.8 + 0.4 * r.next()) * 2) / 2;
  switch (issue) {
    case 'Roaming': {
      const dataGb = [1, 2, 5][r.int(0, 2)]!;
      return { issue, dataGb, price: jitter(3 + 2.5 * dataGb), discountPct: 0 };
    }
    case 'Growth': {
      const dataGb = [1, 2, 5, 10, 20][r.int(0, 4)]!;
      return { issue, dataGb, price: jitter(2 + 1.5 * dataGb ** 0.8), discountPct: 0 };
    }
    case 'Devices':
      return { issue, dataGb: r.chance(0.3) ? 5 : 0, price: jitter(r.int(10, 45)), discountPct: 0 };
    case 'Retention':
      return r.chance(0.7)
        ? { issue, dataGb: 0, price: 0, discountPct: [10, 15, 20, 25, 30][r.int(0, 4)]! }
        : { issue, dataGb: [5, 10][r.int(0, 1)]!, price: 0, discountPct: 0 };
    case 'Care':
      return { issue, dataGb: 0, price: 0, discountPct: 0 };
  }
}

/** Options for `generateOfferOutcomes`. */
export interface OfferOutcomeOptions {
  /** Seeds both the population and the offers. */
  readonly seed: number;
  readonly count: number;
  /** First subscriber index (default 0): disjoint ranges give independent samples of one population. */
  readonly start?: number;
}

/**
 * Streams `count` outcomes: subscriber `start + i` of population `seed`, shown one offer.
 * @example const rows = [...generateOfferOutcomes({ seed: 7, count: 1000 })];
 */
export function* generateOfferOutcomes(options: OfferOutcomeOptions): Generator<OfferOutcome> {
  const start = options.start ?? 0;
  const r = new SeededRandom((options.seed * 0x9e3779b1 + start) >>> 0);
  for (let i = start; i < start + options.count; i++) {
    const profile = generateProfile(options.seed, i);
    const channel = drawChannel(r, profile);
    const offer = drawOffer(r, drawIssue(r, profile));
    const probability = sigmoid(acceptanceLogit(profile, channel, offer) + r.normal(0, 0.35));
    yield { profile, channel, offer, probability, accepted: r.next() < probability };
  }
}
