// The five demo subscribers, one per story: ordinary in every way except the one that makes their story.

import { churnRisk } from './churn-risk.js';
import type { GeneratedProfile } from './profile.js';
import { HOME_COUNTRY, HOME_TIME_ZONE } from './roaming.js';

/** The demo stories, by the name the README and examples use. */
export type StoryName = 'julia' | 'household' | 'renewal' | 'frustrated' | 'heavyUser';

/** Scores the story subscriber with the population's churn model (no noise), so its risk is consistent. */
function scored(p: GeneratedProfile): GeneratedProfile {
  return { ...p, churnRisk: churnRisk(p, 0) };
}

// A settled postpaid subscriber mid-contract, using half the bundle, at home, happy enough: each story
// changes only what its story is about (and the name), so the engine's pick shows the right reason.
const ORDINARY: GeneratedProfile = {
  subscriberId: 'SUB-90000000',
  msisdn: '+31690000000',
  firstName: 'Sanne',
  segment: 'consumer',
  planType: 'postpaid',
  planId: 'POST-M',
  contract: 'two-year',
  tenureMonths: 41,
  arpu: 52.4,
  dataBundleGb: 20,
  dataUsedGb: 9.2,
  dataUsedPct: 46,
  roamingNow: false,
  roamingCountry: null,
  homeCountry: HOME_COUNTRY,
  careContacts90d: 0,
  contractDaysLeft: 412,
  deviceBrand: 'Apple',
  deviceAgeMonths: 11,
  device5g: true,
  householdId: 'HH-90000000',
  householdLines: 1,
  householdSeparateBills: false,
  churnRisk: 0, // scored per story
  npsScore: null,
  paymentMethod: 'direct-debit',
  paperlessBilling: true,
  seniorCitizen: false,
  internetService: 'fiber',
  appUser: true,
  language: 'nl',
  timeZone: HOME_TIME_ZONE,
  consent: { marketing: true, sms: true, email: true, push: true },
};

/**
 * The demo subscribers, keyed by story: `julia` has just landed in New York, `household` pays for three
 * lines on separate bills, `renewal` ends her contract in 21 days on a 34-month-old phone, `frustrated`
 * called care five times in 90 days, `heavyUser` has used 82 % of the bundle. A fresh copy on every call.
 */
export function storyProfiles(): Record<StoryName, GeneratedProfile> {
  return {
    julia: scored({
      ...ORDINARY,
      subscriberId: 'SUB-90000001',
      msisdn: '+31690000001',
      firstName: 'Julia',
      householdId: 'HH-90000001',
      roamingNow: true,
      roamingCountry: 'US',
      timeZone: 'America/New_York',
      // She opted in to marketing by SMS, not by e-mail: the pass has to come by text.
      consent: { marketing: true, sms: true, email: false, push: false },
    }),
    household: scored({
      ...ORDINARY,
      subscriberId: 'SUB-90000002',
      msisdn: '+31690000002',
      firstName: 'Mark',
      segment: 'family',
      householdId: 'HH-90000002',
      householdLines: 3,
      householdSeparateBills: true,
    }),
    renewal: scored({
      ...ORDINARY,
      subscriberId: 'SUB-90000003',
      msisdn: '+31690000003',
      firstName: 'Fenna',
      householdId: 'HH-90000003',
      tenureMonths: 58,
      contractDaysLeft: 21,
      deviceBrand: 'Samsung',
      deviceAgeMonths: 34,
    }),
    frustrated: scored({
      ...ORDINARY,
      subscriberId: 'SUB-90000004',
      msisdn: '+31690000004',
      firstName: 'Jeroen',
      householdId: 'HH-90000004',
      careContacts90d: 5,
    }),
    heavyUser: scored({
      ...ORDINARY,
      subscriberId: 'SUB-90000005',
      msisdn: '+31690000005',
      firstName: 'Levi',
      householdId: 'HH-90000005',
      dataUsedGb: 16.4,
      dataUsedPct: 82,
    }),
  };
}
