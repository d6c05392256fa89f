// The numbers behind the generated population: from the IBM Telco churn sample where it has them, else
// Dutch-market judgement. Baked in so the generator never reads the data set at run time.

import type { Contract, InternetService, PaymentMethod, Segment } from './profile.js';
import { type Weighted, weighted } from './random.js';

// "IBM" below is the IBM Telco customer churn sample (7,043 customers, WA_Fn-UseC_-Telco-Customer-Churn),
// counted by column. Its customers are US fixed-and-phone households; we reuse the shapes, not the dollars.

/** Marketing segments (operator judgement; IBM SeniorCitizen 16.2 % is met by `senior` plus older consumers). */
export const SEGMENTS: Weighted<Segment> = weighted([
  ['consumer', 0.5],
  ['youth', 0.12],
  ['family', 0.18],
  ['senior', 0.12],
  ['business', 0.08],
]);

/** Share of consumers aged 65+ outside the senior segment, so seniorCitizen lands near IBM's 16.2 %. */
export const CONSUMER_SENIOR_SHARE = 0.08;

/** Prepaid share per segment: about 20 % overall, roughly the Dutch market's share (judgement, not a source). */
export const PREPAID_SHARE: Readonly<Record<Segment, number>> = {
  consumer: 0.22,
  youth: 0.35,
  family: 0.12,
  senior: 0.25,
  business: 0,
};

/** Postpaid contract mix, IBM Contract: month-to-month 55.0 %, one year 20.9 %, two year 24.1 %. */
export const POSTPAID_CONTRACTS: Weighted<Contract> = weighted([
  ['month-to-month', 0.55],
  ['one-year', 0.209],
  ['two-year', 0.241],
]);

/** Tenure bins in months, [from, to] inclusive, shared by the tenure tables below. */
export const TENURE_BINS: readonly (readonly [number, number])[] = [
  [0, 2],
  [3, 5],
  [6, 11],
  [12, 23],
  [24, 35],
  [36, 47],
  [48, 59],
  [60, 71],
  [72, 72],
];

// IBM Tenure histogram per Contract over TENURE_BINS (month-to-month median 12, one year 44, two year 64).
// Prepaid subscribers use the month-to-month shape.
const tenureTable = (shares: readonly number[]): Weighted<number> => weighted(shares.map((s, i) => [i, s] as const));
export const TENURE_BY_CONTRACT: Readonly<Record<Contract, Weighted<number>>> = {
  none: tenureTable([0.215, 0.125, 0.152, 0.197, 0.135, 0.083, 0.059, 0.032, 0.001]),
  'month-to-month': tenureTable([0.215, 0.125, 0.152, 0.197, 0.135, 0.083, 0.059, 0.032, 0.001]),
  'one-year': tenureTable([0.01, 0.012, 0.048, 0.135, 0.17, 0.176, 0.221, 0.217, 0.012]),
  'two-year': tenureTable([0.008, 0.005, 0.022, 0.049, 0.061, 0.098, 0.156, 0.399, 0.202]),
};

// IBM PaymentMethod per Contract, mapped: bank transfer (automatic) -> direct-debit, credit card (automatic)
// -> credit-card, electronic check -> electronic-check, mailed check -> bank-transfer (manual payment).
export const PAYMENT_BY_CONTRACT: Readonly<Record<Contract, Weighted<PaymentMethod>>> = {
  // Prepaid top-ups: mostly iDEAL-style one-off payments, some automatic top-up (judgement).
  none: weighted([
    ['electronic-check', 0.45],
    ['bank-transfer', 0.3],
    ['credit-card', 0.15],
    ['direct-debit', 0.1],
  ]),
  'month-to-month': weighted([
    ['electronic-check', 0.477],
    ['bank-transfer', 0.23],
    ['credit-card', 0.14],
    ['direct-debit', 0.152],
  ]),
  'one-year': weighted([
    ['electronic-check', 0.236],
    ['bank-transfer', 0.229],
    ['credit-card', 0.27],
    ['direct-debit', 0.265],
  ]),
  'two-year': weighted([
    ['electronic-check', 0.099],
    ['bank-transfer', 0.225],
    ['credit-card', 0.343],
    ['direct-debit', 0.333],
  ]),
};

/** IBM PaperlessBilling by SeniorCitizen: 55.8 % of non-seniors, 76.7 % of seniors. */
export const PAPERLESS_SHARE = { senior: 0.767, other: 0.558 } as const;

/** IBM InternetService (fiber 44.0 %, DSL 34.4 %, none 21.7 %) for postpaid; prepaid rarely has fixed lines. */
export const INTERNET_POSTPAID: Weighted<InternetService> = weighted([
  ['fiber', 0.44],
  ['dsl', 0.344],
  ['none', 0.217],
]);
export const INTERNET_PREPAID: Weighted<InternetService> = weighted([
  ['fiber', 0.1],
  ['dsl', 0.15],
  ['none', 0.75],
]);

/** Monthly fixed-broadband fee in EUR (mean, sd): IBM's fiber vs DSL gap (91.5 vs 58.1 USD) scaled to NL. */
export const BROADBAND_FEE: Readonly<Record<InternetService, readonly [number, number]>> = {
  fiber: [52, 7],
  dsl: [38, 5],
  none: [0, 0],
};

/** Lines in the household per segment (judgement: families hold 3-5 lines, seniors are mostly couples). */
export const HOUSEHOLD_LINES: Readonly<Record<Segment, Weighted<number>>> = {
  consumer: weighted([
    [1, 0.6],
    [2, 0.28],
    [3, 0.09],
    [4, 0.03],
  ]),
  youth: weighted([
    [1, 0.45],
    [2, 0.2],
    [3, 0.2],
    [4, 0.15],
  ]),
  family: weighted([
    [2, 0.12],
    [3, 0.35],
    [4, 0.35],
    [5, 0.12],
    [6, 0.06],
  ]),
  senior: weighted([
    [1, 0.5],
    [2, 0.45],
    [3, 0.05],
  ]),
  business: weighted([
    [1, 0.45],
    [2, 0.2],
    [3, 0.15],
    [4, 0.1],
    [5, 0.05],
    [6, 0.05],
  ]),
};

/** Share of multi-line households billed per line instead of on one family bill: the family-plan target. */
export const SEPARATE_BILLS_SHARE: Readonly<Record<Segment, number>> = {
  consumer: 0.5,
  youth: 0.55,
  family: 0.4,
  senior: 0.3,
  business: 0.25,
};

/** Share of subscribers with the app (about 60 % overall; judgement by segment). */
export const APP_SHARE: Readonly<Record<Segment, number>> = {
  consumer: 0.62,
  youth: 0.82,
  family: 0.66,
  senior: 0.3,
  business: 0.55,
};

/** Share roaming right now: about 4 %, business travellers more. */
export const ROAMING_SHARE: Readonly<Record<Segment, number>> = {
  consumer: 0.038,
  youth: 0.045,
  family: 0.035,
  senior: 0.03,
  business: 0.08,
};

/** English-speaking (expat) share per segment; the rest speak Dutch. */
export const ENGLISH_SHARE: Readonly<Record<Segment, number>> = {
  consumer: 0.12,
  youth: 0.15,
  family: 0.08,
  senior: 0.03,
  business: 0.35,
};

/** Handset brands: Apple and Samsung lead in the Netherlands (approximate, judgement); seniors favour simple phones. */
export const DEVICE_BRANDS: Weighted<string> = weighted([
  ['Apple', 0.45],
  ['Samsung', 0.34],
  ['Google', 0.05],
  ['Xiaomi', 0.06],
  ['OPPO', 0.03],
  ['Motorola', 0.03],
  ['Nokia', 0.02],
  ['Doro', 0.02],
]);
export const SENIOR_DEVICE_BRANDS: Weighted<string> = weighted([
  ['Apple', 0.3],
  ['Samsung', 0.4],
  ['Doro', 0.15],
  ['Nokia', 0.1],
  ['Motorola', 0.05],
]);

/** Share of subscribers answering the NPS survey in the last year (others have npsScore null). */
export const NPS_RESPONSE_SHARE = 0.3;

/** Mean care contacts in 90 days before drivers (geometric shape: ~63 % none, ~2 % four or more). */
export const CARE_CONTACTS_MEAN = 0.45;

// Consent opt-ins, drawn from one marketing opt-in so the channels correlate as they do in CRM data:
// marketing 65 %; sms 80 %, email 60 %, push 45 % of app users overall.
export const CONSENT = {
  marketing: 0.65,
  sms: { ifMarketing: 0.9, otherwise: 0.61 },
  email: { ifMarketing: 0.78, otherwise: 0.27 },
  push: { ifMarketing: 0.55, otherwise: 0.26 },
} as const;
