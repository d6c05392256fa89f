// One synthetic subscriber, drawn deterministically from (seed, index) with correlated telco attributes.

import { churnRisk } from './churn-risk.js';
import {
  APP_SHARE,
  BROADBAND_FEE,
  CARE_CONTACTS_MEAN,
  CONSENT,
  CONSUMER_SENIOR_SHARE,
  DEVICE_BRANDS,
  ENGLISH_SHARE,
  HOUSEHOLD_LINES,
  INTERNET_POSTPAID,
  INTERNET_PREPAID,
  NPS_RESPONSE_SHARE,
  PAPERLESS_SHARE,
  PAYMENT_BY_CONTRACT,
  POSTPAID_CONTRACTS,
  PREPAID_SHARE,
  ROAMING_SHARE,
  SEGMENTS,
  SENIOR_DEVICE_BRANDS,
  SEPARATE_BILLS_SHARE,
  TENURE_BINS,
  TENURE_BY_CONTRACT,
} from './distributions.js';
import { DUTCH_NAMES, INTERNATIONAL_NAMES, SENIOR_NAMES } from './names.js';
import { planTable } from './plans.js';
import type { Consent, Contract, GeneratedProfile, InternetService, Segment } from './profile.js';
import { Random, splitmix32, subscriberSeed } from './random.js';
import { HOME_COUNTRY, HOME_TIME_ZONE, VISITED_COUNTRIES, zonesOf } from './roaming.js';

const DAYS_PER_MONTH = 30.44;
const MSISDN_SPACE = 90_000_000;
// Prime and coprime with MSISDN_SPACE, so index -> number is a bijection: no two subscribers share a number.
const MSISDN_STRIDE = 7919;

/** How much of the bundle a segment uses compared with the plan's norm (judgement: youth stream, seniors call). */
const USAGE_FACTOR: Readonly<Record<Segment, number>> = {
  consumer: 1,
  youth: 1.25,
  family: 1,
  senior: 0.6,
  business: 1,
};

/** Monthly handset instalment in EUR while a device is paid off with a contract. */
const INSTALMENT: Readonly<Record<string, number>> = { Apple: 32, Samsung: 24, Google: 22 };
const DEFAULT_INSTALMENT = 12;

/** Formats a 1-based sequence number as the 8-digit suffix of subscriber and household ids. */
function serial(index: number): string {
  return String(index + 1).padStart(8, '0');
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function drawTenure(r: Random, contract: Contract, segment: Segment): number {
  const [from, to] = TENURE_BINS[r.pick(TENURE_BY_CONTRACT[contract])] as readonly [number, number];
  const months = r.int(from, to);
  // Young subscribers cannot have been with us for six years; halve their tenure.
  return segment === 'youth' ? Math.floor(months / 2) : months;
}

/** Days into the current fixed term: from joining if the first term still runs, else a uniform phase. */
function drawDaysIntoTerm(r: Random, termDays: number, tenureMonths: number): number {
  const tenureDays = Math.floor(tenureMonths * DAYS_PER_MONTH + r.uniform(0, DAYS_PER_MONTH));
  return tenureDays < termDays ? tenureDays : r.int(0, termDays - 1);
}

function drawDeviceAge(r: Random, daysIntoTerm: number | null): { months: number; bundled: boolean } {
  // Two thirds of fixed-term contracts come with a handset bought when the term started.
  if (daysIntoTerm !== null && r.chance(0.65))
    return { months: Math.floor(daysIntoTerm / DAYS_PER_MONTH), bundled: true };
  // Otherwise the phone was bought on its own: a replacement cycle of about three years (log-normal, long
  // tail), and we meet the subscriber at a uniform point in it.
  const cycleMonths = Math.exp(r.normal(Math.log(36), 0.35));
  return { months: clamp(Math.floor(r.next() * cycleMonths), 0, 96), bundled: false };
}

function is5g(r: Random, brand: string, ageMonths: number): boolean {
  // iPhones have had 5G since late 2020; Android mid-range caught up around 2022; feature phones rarely.
  if (brand === 'Doro' || brand === 'Nokia') return r.chance(0.1);
  if (brand === 'Apple') return ageMonths <= 64;
  return ageMonths <= 48 ? r.chance(0.85) : r.chance(0.1);
}

function drawConsent(r: Random, appUser: boolean): Consent {
  const marketing = r.chance(CONSENT.marketing);
  const pick = (p: { ifMarketing: number; otherwise: number }): boolean =>
    r.chance(marketing ? p.ifMarketing : p.otherwise);
  const sms = pick(CONSENT.sms);
  const email = pick(CONSENT.email);
  const push = pick(CONSENT.push) && appUser;
  return { marketing, sms, email, push };
}

function careContactMean(
  internet: InternetService,
  tenureMonths: number,
  eCheck: boolean,
  senior: boolean,
  overBundle: boolean,
): number {
  // Fiber installs, new subscribers, manual payers, seniors and bill shock all bring more calls.
  let mean = CARE_CONTACTS_MEAN;
  if (internet === 'fiber') mean *= 1.3;
  else if (internet === 'dsl') mean *= 1.1;
  if (tenureMonths < 6) mean *= 1.4;
  if (eCheck) mean *= 1.15;
  if (senior) mean *= 1.2;
  if (overBundle) mean *= 1.3;
  return mean;
}

/**
 * Generates subscriber `index` of the population `seed`. Pure and deterministic, so shards of a population
 * can be generated independently and in any order.
 *
 * @example generateProfile(42, 0).subscriberId // 'SUB-00000001'
 */
export function generateProfile(seed: number, index: number): GeneratedProfile {
  const r = new Random(subscriberSeed(seed, index));

  const segment = r.pick(SEGMENTS);
  const seniorCitizen = segment === 'senior' || (segment === 'consumer' && r.chance(CONSUMER_SENIOR_SHARE));
  const planType = r.chance(PREPAID_SHARE[segment]) ? 'prepaid' : 'postpaid';
  const plan = r.pick(planTable(segment, planType));
  const contract: Contract = planType === 'prepaid' ? 'none' : r.pick(POSTPAID_CONTRACTS);
  const tenureMonths = drawTenure(r, contract, segment);

  const termDays = contract === 'one-year' ? 365 : contract === 'two-year' ? 730 : 0;
  const daysIntoTerm = termDays > 0 ? drawDaysIntoTerm(r, termDays, tenureMonths) : null;
  const contractDaysLeft = daysIntoTerm === null ? null : termDays - 1 - daysIntoTerm;

  const deviceBrand = r.pick(seniorCitizen ? SENIOR_DEVICE_BRANDS : DEVICE_BRANDS);
  const device = drawDeviceAge(r, daysIntoTerm);
  const device5g = is5g(r, deviceBrand, device.months);

  // Usage so far this cycle: a per-subscriber intensity (log-normal, the fat tail) times how far into the
  // cycle we are. Prepaid bundles stop at 100 %; postpaid runs on out of bundle, up to 150 %.
  const intensity = plan.usageIntensity * USAGE_FACTOR[segment] * Math.exp(r.normal(0, 0.5));
  const cycleShare = 0.15 + 0.85 * r.next();
  const dataUsedPct = round(clamp(100 * intensity * cycleShare * 1.25, 0, planType === 'prepaid' ? 100 : 150), 1);
  const dataUsedGb = round((plan.dataBundleGb * dataUsedPct) / 100, 2);

  const roamingNow = r.chance(ROAMING_SHARE[segment]);
  const roamingCountry = roamingNow ? r.pick(VISITED_COUNTRIES) : null;
  const timeZone = roamingCountry === null ? HOME_TIME_ZONE : r.pick(zonesOf(roamingCountry));

  const householdLines = r.pick(HOUSEHOLD_LINES[segment]);
  const householdSeparateBills = householdLines > 1 && r.chance(SEPARATE_BILLS_SHARE[segment]);

  const paymentMethod = r.pick(PAYMENT_BY_CONTRACT[contract]);
  const paperlessBilling = r.chance(seniorCitizen ? PAPERLESS_SHARE.senior : PAPERLESS_SHARE.other);
  const internetService = r.pick(planType === 'prepaid' ? INTERNET_PREPAID : INTERNET_POSTPAID);
  const [feeMean, feeSd] = BROADBAND_FEE[internetService];
  const broadbandFee = internetService === 'none' ? 0 : Math.max(25, r.normal(feeMean, feeSd));
  const instalment = device.bundled ? (INSTALMENT[deviceBrand] ?? DEFAULT_INSTALMENT) : 0;
  // Out-of-bundle data is billed at about EUR 1 per 100 MB, capped by the EUR 50 spend limit.
  const outOfBundle = Math.min(50, Math.max(0, dataUsedGb - plan.dataBundleGb) * 10);
  const arpu = round(plan.priceEur + instalment + broadbandFee + outOfBundle, 2);

  const careContacts90d = r.geometric(
    careContactMean(
      internetService,
      tenureMonths,
      paymentMethod === 'electronic-check',
      seniorCitizen,
      dataUsedPct > 100,
    ),
  );
  const npsScore = r.chance(NPS_RESPONSE_SHARE)
    ? clamp(Math.round(r.normal(7.6 - 0.8 * careContacts90d, 1.8)), 0, 10)
    : null;
  const risk = churnRisk(
    {
      contract,
      tenureMonths,
      paymentMethod,
      paperlessBilling,
      seniorCitizen,
      internetService,
      careContacts90d,
      npsScore,
    },
    r.normal(0, 0.4),
  );

  const appUser = r.chance(APP_SHARE[segment]);
  const consent = drawConsent(r, appUser);
  const language = r.chance(ENGLISH_SHARE[segment]) ? 'en' : 'nl';
  const firstName = r.element(language === 'en' ? INTERNATIONAL_NAMES : seniorCitizen ? SENIOR_NAMES : DUTCH_NAMES);
  const msisdnSuffix = ((index * MSISDN_STRIDE + (splitmix32(seed) % MSISDN_SPACE)) % MSISDN_SPACE) + 10_000_000;

  return {
    subscriberId: `SUB-${serial(index)}`,
    msisdn: `+316${msisdnSuffix}`,
    firstName,
    segment,
    planType,
    planId: plan.id,
    contract,
    tenureMonths,
    arpu,
    dataBundleGb: plan.dataBundleGb,
    dataUsedGb,
    dataUsedPct,
    roamingNow,
    roamingCountry,
    homeCountry: HOME_COUNTRY,
    careContacts90d,
    contractDaysLeft,
    deviceBrand,
    deviceAgeMonths: device.months,
    device5g,
    householdId: `HH-${serial(index)}`,
    householdLines,
    householdSeparateBills,
    churnRisk: risk,
    npsScore,
    paymentMethod,
    paperlessBilling,
    seniorCitizen,
    internetService,
    appUser,
    language,
    timeZone,
    consent,
  };
}
