// The tariff catalogue the generated subscribers are on: Dutch mobile price points, early 2026.

import type { PlanType, Segment } from './profile.js';
import { type Weighted, weighted } from './random.js';

/** One tariff: monthly price in EUR (incl. VAT for consumers) and its data bundle. */
export interface Plan {
  readonly id: string;
  readonly planType: PlanType;
  readonly priceEur: number;
  readonly dataBundleGb: number;
  /** Median share of the bundle a subscriber on this plan uses in a full cycle: small bundles run out more. */
  readonly usageIntensity: number;
}

// Price points typical of Dutch SIM-only plans around 2025, rounded: illustrative, not any one operator's list.
export const PLANS: Readonly<Record<string, Plan>> = {
  'PRE-S': { id: 'PRE-S', planType: 'prepaid', priceEur: 10, dataBundleGb: 3, usageIntensity: 0.75 },
  'PRE-M': { id: 'PRE-M', planType: 'prepaid', priceEur: 15, dataBundleGb: 8, usageIntensity: 0.65 },
  'PRE-L': { id: 'PRE-L', planType: 'prepaid', priceEur: 20, dataBundleGb: 20, usageIntensity: 0.55 },
  'POST-S': { id: 'POST-S', planType: 'postpaid', priceEur: 14, dataBundleGb: 5, usageIntensity: 0.75 },
  'POST-M': { id: 'POST-M', planType: 'postpaid', priceEur: 20, dataBundleGb: 20, usageIntensity: 0.6 },
  'POST-L': { id: 'POST-L', planType: 'postpaid', priceEur: 27.5, dataBundleGb: 50, usageIntensity: 0.45 },
  'POST-XL': { id: 'POST-XL', planType: 'postpaid', priceEur: 35, dataBundleGb: 120, usageIntensity: 0.3 },
  'YOUTH-20': { id: 'YOUTH-20', planType: 'postpaid', priceEur: 15, dataBundleGb: 20, usageIntensity: 0.75 },
  'BIZ-M': { id: 'BIZ-M', planType: 'postpaid', priceEur: 25, dataBundleGb: 30, usageIntensity: 0.55 },
  'BIZ-L': { id: 'BIZ-L', planType: 'postpaid', priceEur: 35, dataBundleGb: 100, usageIntensity: 0.4 },
};

type PlanTable = Weighted<Plan>;

const plans = (pairs: readonly (readonly [string, number])[]): PlanTable =>
  weighted(pairs.map(([id, w]) => [PLANS[id] as Plan, w] as const));

const PREPAID = plans([
  ['PRE-S', 0.4],
  ['PRE-M', 0.4],
  ['PRE-L', 0.2],
]);

// Which postpaid tariff each segment picks: assumptions, shaped so that POST-M is the best seller.
const POSTPAID: Readonly<Record<Segment, PlanTable>> = {
  consumer: plans([
    ['POST-S', 0.25],
    ['POST-M', 0.4],
    ['POST-L', 0.25],
    ['POST-XL', 0.1],
  ]),
  youth: plans([
    ['YOUTH-20', 0.7],
    ['POST-L', 0.2],
    ['POST-XL', 0.1],
  ]),
  family: plans([
    ['POST-S', 0.15],
    ['POST-M', 0.4],
    ['POST-L', 0.3],
    ['POST-XL', 0.15],
  ]),
  senior: plans([
    ['POST-S', 0.6],
    ['POST-M', 0.3],
    ['POST-L', 0.1],
  ]),
  business: plans([
    ['BIZ-M', 0.6],
    ['BIZ-L', 0.4],
  ]),
};

/** The tariff table for a segment and plan type. */
export function planTable(segment: Segment, planType: PlanType): PlanTable {
  return planType === 'prepaid' ? PREPAID : POSTPAID[segment];
}
