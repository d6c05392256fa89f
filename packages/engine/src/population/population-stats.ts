// Summary statistics of a population: to check its realism in tests and to describe it in docs.

import type { GeneratedProfile } from './profile.js';

/** Shares (0..1) and means over a population; `shares` counts each value of the categorical attributes. */
export interface PopulationStats {
  count: number;
  shares: Record<string, Record<string, number>>;
  rates: {
    roamingNow: number;
    appUser: number;
    dataUsedPctAtLeast80: number;
    careContactsAtLeast4: number;
    contractEndsWithin30Days: number;
    contractEndsWithin30DaysOfContracted: number;
    highChurnRisk: number;
    consentMarketing: number;
    consentSms: number;
    consentEmail: number;
    consentPushOfAppUsers: number;
    householdSeparateBills: number;
    seniorCitizen: number;
    paperlessBilling: number;
    device5g: number;
  };
  means: { arpu: number; tenureMonths: number; churnRisk: number; careContacts90d: number; dataUsedPct: number };
}

const CATEGORICAL = [
  'segment',
  'planType',
  'planId',
  'contract',
  'paymentMethod',
  'internetService',
  'language',
  'roamingCountry',
  'deviceBrand',
  'householdLines',
  'careContacts90d',
] as const;

/** Counts one pass over `profiles` (any iterable, so a streamed population works). High churn risk is >= 0.5. */
export function populationStats(profiles: Iterable<GeneratedProfile>): PopulationStats {
  const counts: Record<string, Record<string, number>> = {};
  for (const key of CATEGORICAL) counts[key] = {};
  const n = {
    count: 0,
    roamingNow: 0,
    appUser: 0,
    data80: 0,
    care4: 0,
    contracted: 0,
    ends30: 0,
    highChurn: 0,
    marketing: 0,
    sms: 0,
    email: 0,
    push: 0,
    separate: 0,
    senior: 0,
    paperless: 0,
    device5g: 0,
  };
  const sum = { arpu: 0, tenureMonths: 0, churnRisk: 0, careContacts90d: 0, dataUsedPct: 0 };

  for (const p of profiles) {
    n.count++;
    for (const key of CATEGORICAL) {
      const bucket = counts[key] as Record<string, number>;
      const value = key === 'careContacts90d' && p.careContacts90d >= 4 ? '4+' : String(p[key]);
      bucket[value] = (bucket[value] ?? 0) + 1;
    }
    if (p.roamingNow) n.roamingNow++;
    if (p.appUser) n.appUser++;
    if (p.dataUsedPct >= 80) n.data80++;
    if (p.careContacts90d >= 4) n.care4++;
    if (p.contractDaysLeft !== null) {
      n.contracted++;
      if (p.contractDaysLeft <= 30) n.ends30++;
    }
    if (p.churnRisk >= 0.5) n.highChurn++;
    if (p.consent.marketing) n.marketing++;
    if (p.consent.sms) n.sms++;
    if (p.consent.email) n.email++;
    if (p.consent.push) n.push++;
    if (p.householdSeparateBills) n.separate++;
    if (p.seniorCitizen) n.senior++;
    if (p.paperlessBilling) n.paperless++;
    if (p.device5g) n.device5g++;
    sum.arpu += p.arpu;
    sum.tenureMonths += p.tenureMonths;
    sum.churnRisk += p.churnRisk;
    sum.careContacts90d += p.careContacts90d;
    sum.dataUsedPct += p.dataUsedPct;
  }

  const total = Math.max(n.count, 1);
  const share = (k: number, of = total): number => k / Math.max(of, 1);
  const shares: Record<string, Record<string, number>> = {};
  for (const [key, bucket] of Object.entries(counts)) {
    shares[key] = Object.fromEntries(Object.entries(bucket).map(([value, k]) => [value, share(k)]));
  }
  return {
    count: n.count,
    shares,
    rates: {
      roamingNow: share(n.roamingNow),
      appUser: share(n.appUser),
      dataUsedPctAtLeast80: share(n.data80),
      careContactsAtLeast4: share(n.care4),
      contractEndsWithin30Days: share(n.ends30),
      contractEndsWithin30DaysOfContracted: share(n.ends30, n.contracted),
      highChurnRisk: share(n.highChurn),
      consentMarketing: share(n.marketing),
      consentSms: share(n.sms),
      consentEmail: share(n.email),
      consentPushOfAppUsers: share(n.push, n.appUser),
      householdSeparateBills: share(n.separate),
      seniorCitizen: share(n.senior),
      paperlessBilling: share(n.paperless),
      device5g: share(n.device5g),
    },
    means: {
      arpu: sum.arpu / total,
      tenureMonths: sum.tenureMonths / total,
      churnRisk: sum.churnRisk / total,
      careContacts90d: sum.careContacts90d / total,
      dataUsedPct: sum.dataUsedPct / total,
    },
  };
}
