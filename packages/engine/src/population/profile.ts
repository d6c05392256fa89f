// The profile shapes: the open record rules see, and the strict one the population generator produces.

/** A subscriber profile as rules see it: a flat record of attributes keyed by name (docs/contracts.md). */
export interface Profile {
  subscriberId: string;
  [attribute: string]: unknown;
}

export type Segment = 'consumer' | 'youth' | 'family' | 'senior' | 'business';
export type PlanType = 'prepaid' | 'postpaid';
export type Contract = 'none' | 'month-to-month' | 'one-year' | 'two-year';
export type PaymentMethod = 'direct-debit' | 'credit-card' | 'bank-transfer' | 'electronic-check';
export type InternetService = 'fiber' | 'dsl' | 'none';
export type Language = 'nl' | 'en';

/** Opt-ins per outbound channel, plus the general marketing opt-in. */
export interface Consent {
  marketing: boolean;
  sms: boolean;
  email: boolean;
  push: boolean;
}

/** Exactly the attributes documented in docs/contracts.md, with their types. */
export interface GeneratedProfile extends Profile {
  subscriberId: string;
  msisdn: string;
  firstName: string;
  segment: Segment;
  planType: PlanType;
  planId: string;
  contract: Contract;
  tenureMonths: number;
  arpu: number;
  dataBundleGb: number;
  dataUsedGb: number;
  dataUsedPct: number;
  roamingNow: boolean;
  roamingCountry: string | null;
  homeCountry: string;
  careContacts90d: number;
  contractDaysLeft: number | null;
  deviceBrand: string;
  deviceAgeMonths: number;
  device5g: boolean;
  householdId: string;
  householdLines: number;
  householdSeparateBills: boolean;
  churnRisk: number;
  npsScore: number | null;
  paymentMethod: PaymentMethod;
  paperlessBilling: boolean;
  seniorCitizen: boolean;
  internetService: InternetService;
  appUser: boolean;
  language: Language;
  timeZone: string;
  consent: Consent;
}

/** The attribute names of a generated profile, in contract order (tests and feature layouts use it). */
export const PROFILE_ATTRIBUTES = [
  'subscriberId',
  'msisdn',
  'firstName',
  'segment',
  'planType',
  'planId',
  'contract',
  'tenureMonths',
  'arpu',
  'dataBundleGb',
  'dataUsedGb',
  'dataUsedPct',
  'roamingNow',
  'roamingCountry',
  'homeCountry',
  'careContacts90d',
  'contractDaysLeft',
  'deviceBrand',
  'deviceAgeMonths',
  'device5g',
  'householdId',
  'householdLines',
  'householdSeparateBills',
  'churnRisk',
  'npsScore',
  'paymentMethod',
  'paperlessBilling',
  'seniorCitizen',
  'internetService',
  'appUser',
  'language',
  'timeZone',
  'consent',
] as const satisfies readonly (keyof GeneratedProfile)[];
