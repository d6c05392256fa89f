// Streaming, sharding and the realism of a generated population: rates and correlations within tolerances.
import { describe, expect, it } from 'vitest';
import { generatePopulation } from './generate-population.js';
import { generateProfile } from './generate-profile.js';
import { populationStats } from './population-stats.js';
import type { GeneratedProfile } from './profile.js';
import { EU_EEA } from './roaming.js';

const SAMPLE = [...generatePopulation({ seed: 11, count: 20_000 })];
const STATS = populationStats(SAMPLE);

const mean = (ps: readonly GeneratedProfile[], f: (p: GeneratedProfile) => number): number =>
  ps.reduce((sum, p) => sum + f(p), 0) / ps.length;
const where = (f: (p: GeneratedProfile) => boolean): GeneratedProfile[] => SAMPLE.filter(f);

describe('generatePopulation', () => {
  it('streams the slice it is asked for, equal to generating each profile alone', () => {
    const shard = [...generatePopulation({ seed: 11, count: 5, start: 1_000 })];
    expect(shard.map((p) => p.subscriberId)).toEqual([1001, 1002, 1003, 1004, 1005].map((n) => `SUB-0000${n}`));
    expect(shard[2]).toEqual(generateProfile(11, 1_002));
    expect(shard[0]).toEqual(SAMPLE[1_000]);
  });

  it('is lazy: a huge population costs nothing until iterated', () => {
    const population = generatePopulation({ seed: 1, count: 1e12 });
    expect(population.next().value?.subscriberId).toBe('SUB-00000001');
  });

  it('rejects a negative or fractional count or start', () => {
    expect(() => generatePopulation({ seed: 1, count: -1 }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, count: 1, start: 0.5 }).next()).toThrow(RangeError);
  });
});

describe('population rates', () => {
  it.each([
    ['roaming now', STATS.rates.roamingNow, 0.03, 0.05],
    ['app users', STATS.rates.appUser, 0.56, 0.64],
    ['marketing consent', STATS.rates.consentMarketing, 0.62, 0.68],
    ['sms consent', STATS.rates.consentSms, 0.77, 0.83],
    ['email consent', STATS.rates.consentEmail, 0.57, 0.63],
    ['push consent of app users', STATS.rates.consentPushOfAppUsers, 0.41, 0.49],
    ['data used >= 80 %', STATS.rates.dataUsedPctAtLeast80, 0.1, 0.2],
    ['4+ care contacts', STATS.rates.careContactsAtLeast4, 0.01, 0.05],
    ['contract ends within 30 days, of contracted', STATS.rates.contractEndsWithin30DaysOfContracted, 0.04, 0.09],
    ['senior citizens (IBM 16.2 %)', STATS.rates.seniorCitizen, 0.14, 0.18],
    ['paperless billing (IBM 59.2 %)', STATS.rates.paperlessBilling, 0.56, 0.62],
    ['prepaid', STATS.shares.planType?.prepaid ?? 0, 0.18, 0.23],
  ])('%s is realistic', (_name, rate, min, max) => {
    expect(rate).toBeGreaterThanOrEqual(min);
    expect(rate).toBeLessThanOrEqual(max);
  });

  it('has mostly 0-1 care contacts with a tail to 4+', () => {
    const care = STATS.shares.careContacts90d ?? {};
    expect((care['0'] ?? 0) + (care['1'] ?? 0)).toBeGreaterThan(0.8);
    expect(care['4+']).toBeGreaterThan(0.01);
  });

  it('has a fat tail of data use above 80 % and some subscribers over the bundle', () => {
    expect(where((p) => p.dataUsedPct >= 100).length / SAMPLE.length).toBeGreaterThan(0.04);
    expect(where((p) => p.dataUsedPct < 50).length / SAMPLE.length).toBeGreaterThan(0.5);
  });

  it('mixes EU and far-away destinations, each roamer in a zone of the visited country', () => {
    const roamers = where((p) => p.roamingNow);
    const inEu = roamers.filter((p) => EU_EEA.has(p.roamingCountry ?? '')).length / roamers.length;
    expect(inEu).toBeGreaterThan(0.55);
    expect(inEu).toBeLessThan(0.85);
    const countries = new Set(roamers.map((p) => p.roamingCountry));
    for (const c of ['ES', 'FR', 'DE', 'IT', 'TR', 'US']) expect(countries).toContain(c);
    for (const p of roamers.filter((r) => r.roamingCountry === 'US')) expect(p.timeZone).toMatch(/^America\//);
  });
});

describe('population correlations', () => {
  it('gives prepaid subscribers no contract and no contract end', () => {
    for (const p of where((q) => q.planType === 'prepaid')) {
      expect(p.contract).toBe('none');
      expect(p.contractDaysLeft).toBeNull();
    }
  });

  it('gives families more household lines', () => {
    const family = mean(
      where((p) => p.segment === 'family'),
      (p) => p.householdLines,
    );
    const others = mean(
      where((p) => p.segment !== 'family'),
      (p) => p.householdLines,
    );
    expect(family).toBeGreaterThan(others + 1);
  });

  it('scores churn as the IBM data does: month-to-month, short tenure, electronic check, care contacts', () => {
    const risk = (f: (p: GeneratedProfile) => boolean) => mean(where(f), (p) => p.churnRisk);
    expect(risk((p) => p.contract === 'month-to-month')).toBeGreaterThan(risk((p) => p.contract === 'two-year') * 3);
    expect(risk((p) => p.tenureMonths < 6)).toBeGreaterThan(risk((p) => p.tenureMonths >= 48) + 0.15);
    expect(risk((p) => p.paymentMethod === 'electronic-check')).toBeGreaterThan(
      risk((p) => p.paymentMethod === 'credit-card') + 0.05,
    );
    expect(risk((p) => p.careContacts90d >= 3)).toBeGreaterThan(risk((p) => p.careContacts90d === 0) + 0.1);
  });

  it('gives seniors the senior-segment attributes and families more separate bills than singles', () => {
    expect(where((p) => p.segment === 'senior').every((p) => p.seniorCitizen)).toBe(true);
    expect(where((p) => p.householdLines === 1).every((p) => !p.householdSeparateBills)).toBe(true);
  });
});
