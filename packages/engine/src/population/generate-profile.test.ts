// Determinism and the documented shape of every generated profile (docs/contracts.md).
import { describe, expect, it } from 'vitest';
import { generatePopulation } from './generate-population.js';
import { generateProfile } from './generate-profile.js';
import { PLANS } from './plans.js';
import { type GeneratedProfile, PROFILE_ATTRIBUTES } from './profile.js';

const SAMPLE = [...generatePopulation({ seed: 2026, count: 10_000 })];

const isInt = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const oneOf = (v: unknown, values: readonly unknown[]): boolean => values.includes(v);

// One check per documented attribute: the contract's type and range.
const CHECKS: Record<(typeof PROFILE_ATTRIBUTES)[number], (v: unknown, p: GeneratedProfile) => boolean> = {
  subscriberId: (v) => typeof v === 'string' && /^SUB-\d{8}$/.test(v),
  msisdn: (v) => typeof v === 'string' && /^\+316\d{8}$/.test(v),
  firstName: (v) => typeof v === 'string' && v.length > 1,
  segment: (v) => oneOf(v, ['consumer', 'youth', 'family', 'senior', 'business']),
  planType: (v) => oneOf(v, ['prepaid', 'postpaid']),
  planId: (v, p) => typeof v === 'string' && PLANS[v]?.planType === p.planType,
  contract: (v, p) => oneOf(v, p.planType === 'prepaid' ? ['none'] : ['month-to-month', 'one-year', 'two-year']),
  tenureMonths: (v) => isInt(v, 0, 72),
  arpu: (v) => isNum(v, 5, 250),
  dataBundleGb: (v) => isNum(v, 1, 200),
  dataUsedGb: (v, p) => isNum(v, 0, p.dataBundleGb * 1.5 + 0.01),
  dataUsedPct: (v) => isNum(v, 0, 150),
  roamingNow: (v) => typeof v === 'boolean',
  roamingCountry: (v, p) => (p.roamingNow ? typeof v === 'string' && /^[A-Z]{2}$/.test(v) && v !== 'NL' : v === null),
  homeCountry: (v) => v === 'NL',
  careContacts90d: (v) => isInt(v, 0, 100),
  contractDaysLeft: (v, p) =>
    p.contract === 'one-year' ? isInt(v, 0, 364) : p.contract === 'two-year' ? isInt(v, 0, 729) : v === null,
  deviceBrand: (v) => typeof v === 'string' && v.length > 0,
  deviceAgeMonths: (v) => isInt(v, 0, 96),
  device5g: (v) => typeof v === 'boolean',
  householdId: (v) => typeof v === 'string' && /^HH-\d{8}$/.test(v),
  householdLines: (v) => isInt(v, 1, 6),
  householdSeparateBills: (v, p) => typeof v === 'boolean' && (p.householdLines > 1 || v === false),
  churnRisk: (v) => isNum(v, 0, 1),
  npsScore: (v) => v === null || isInt(v, 0, 10),
  paymentMethod: (v) => oneOf(v, ['direct-debit', 'credit-card', 'bank-transfer', 'electronic-check']),
  paperlessBilling: (v) => typeof v === 'boolean',
  seniorCitizen: (v, p) => typeof v === 'boolean' && (p.segment !== 'senior' || v === true),
  internetService: (v) => oneOf(v, ['fiber', 'dsl', 'none']),
  appUser: (v) => typeof v === 'boolean',
  language: (v) => oneOf(v, ['nl', 'en']),
  timeZone: (v, p) =>
    typeof v === 'string' && (p.roamingNow ? v !== 'Europe/Amsterdam' : v === 'Europe/Amsterdam') && isZone(v),
  consent: (v, p) => {
    if (typeof v !== 'object' || v === null) return false;
    const c = v as Record<string, unknown>;
    const flags = ['marketing', 'sms', 'email', 'push'].every((k) => typeof c[k] === 'boolean');
    return flags && Object.keys(c).length === 4 && (p.appUser || c.push === false);
  },
};

const zones = new Map<string, boolean>();
function isZone(zone: string): boolean {
  let known = zones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    zones.set(zone, known);
  }
  return known;
}

describe('generateProfile', () => {
  it('is deterministic per (seed, index)', () => {
    expect(generateProfile(7, 123)).toEqual(generateProfile(7, 123));
    expect(generateProfile(7, 5_000_000)).toEqual(generateProfile(7, 5_000_000));
  });

  it('gives different subscribers for different seeds and indexes', () => {
    const { subscriberId: _a, householdId: _b, ...a } = generateProfile(1, 42);
    const { subscriberId: _c, householdId: _d, ...b } = generateProfile(2, 42);
    expect(a).not.toEqual(b);
    expect(generateProfile(1, 42)).not.toEqual(generateProfile(1, 43));
  });

  it('numbers subscribers from the index, so shards never collide', () => {
    expect(generateProfile(9, 0).subscriberId).toBe('SUB-00000001');
    expect(generateProfile(9, 41).subscriberId).toBe('SUB-00000042');
  });

  it('gives every subscriber of a population its own MSISDN', () => {
    expect(new Set(SAMPLE.map((p) => p.msisdn)).size).toBe(SAMPLE.length);
  });

  it('produces exactly the documented attributes', () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...PROFILE_ATTRIBUTES].sort());
    for (const p of SAMPLE.slice(0, 100)) expect(Object.keys(p).sort()).toEqual([...PROFILE_ATTRIBUTES].sort());
  });

  it.each(PROFILE_ATTRIBUTES)('%s has the documented type and range over 10,000 profiles', (attribute) => {
    const check = CHECKS[attribute];
    const bad = SAMPLE.filter((p) => !check(p[attribute], p)).map(
      (p) => `${p.subscriberId}: ${JSON.stringify(p[attribute])}`,
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('keeps usage consistent with the bundle', () => {
    for (const p of SAMPLE) {
      expect(Math.abs(p.dataUsedGb - (p.dataBundleGb * p.dataUsedPct) / 100)).toBeLessThan(0.01);
      if (p.planType === 'prepaid') expect(p.dataUsedPct).toBeLessThanOrEqual(100);
    }
  });
});
