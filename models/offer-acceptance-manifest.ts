// The offer-acceptance model's manifest: the one feature list training encodes with and rules/models.yaml repeats.
import type { ModelFeature, ModelManifest } from '../packages/engine/src/scoring/index.js';

/** Action issues the model knows (one-hot); an action with another issue gets all zeros. */
export const OFFER_ISSUES = ['Retention', 'Growth', 'Roaming', 'Devices', 'Care'] as const;
/** Channels the model knows (one-hot); retail, IVR, chatbot and USSD get all zeros. */
export const OFFER_CHANNELS = ['web', 'app', 'agent', 'sms', 'email', 'push'] as const;

/**
 * Features in input column order. Scales bring each numeric to about 0..1, because the MLP trains with one
 * learning rate for every weight.
 */
export const OFFER_ACCEPTANCE_FEATURES: readonly ModelFeature[] = [
  { source: 'profile', name: 'tenureMonths', type: 'numeric', default: 0, scale: 0.01 },
  { source: 'profile', name: 'arpu', type: 'numeric', default: 50, scale: 0.01 },
  { source: 'profile', name: 'dataUsedPct', type: 'numeric', default: 50, scale: 0.01 },
  { source: 'profile', name: 'roamingNow', type: 'boolean', default: 0 },
  { source: 'profile', name: 'careContacts90d', type: 'numeric', default: 0, scale: 0.2 },
  // No contract (null) reads as "ends far away": two years.
  { source: 'profile', name: 'contractDaysLeft', type: 'numeric', default: 730, scale: 0.001 },
  { source: 'profile', name: 'deviceAgeMonths', type: 'numeric', default: 24, scale: 0.02 },
  { source: 'profile', name: 'device5g', type: 'boolean', default: 0 },
  { source: 'profile', name: 'churnRisk', type: 'numeric', default: 0.3 },
  { source: 'profile', name: 'householdLines', type: 'numeric', default: 1, scale: 0.2 },
  { source: 'profile', name: 'appUser', type: 'boolean', default: 0 },
  {
    source: 'profile',
    name: 'segment',
    type: 'categorical',
    categories: ['consumer', 'youth', 'family', 'senior', 'business'],
  },
  {
    source: 'profile',
    name: 'contract',
    type: 'categorical',
    categories: ['none', 'month-to-month', 'one-year', 'two-year'],
  },
  { source: 'context', name: 'channel', type: 'categorical', categories: [...OFFER_CHANNELS] },
  { source: 'action', name: 'issue', type: 'categorical', categories: [...OFFER_ISSUES] },
  { source: 'action', name: 'attributes.price', type: 'numeric', default: 0, scale: 0.02 },
  { source: 'action', name: 'attributes.dataGb', type: 'numeric', default: 0, scale: 0.1 },
  { source: 'action', name: 'attributes.discountPct', type: 'numeric', default: 0, scale: 0.01 },
];

/** The manifest as rules/models.yaml states it (file relative to rules/). */
export const OFFER_ACCEPTANCE_MANIFEST: ModelManifest = {
  id: 'offer-acceptance',
  file: '../models/offer-acceptance.onnx',
  input: 'features',
  output: 'propensity',
  features: [...OFFER_ACCEPTANCE_FEATURES],
};
