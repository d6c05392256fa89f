// The synthetic subscriber population: profile types, the seeded generator and the demo story subscribers.

export { type ChurnDrivers, churnLogit, churnRisk } from './churn-risk.js';
export { generatePopulation, type PopulationOptions } from './generate-population.js';
export { generateProfile } from './generate-profile.js';
export { PLANS, type Plan } from './plans.js';
export { type PopulationStats, populationStats } from './population-stats.js';
export {
  type Consent,
  type Contract,
  type GeneratedProfile,
  type InternetService,
  type Language,
  type PaymentMethod,
  type PlanType,
  PROFILE_ATTRIBUTES,
  type Profile,
  type Segment,
} from './profile.js';
export { EU_EEA, HOME_COUNTRY, HOME_TIME_ZONE } from './roaming.js';
export { type StoryName, storyProfiles } from './story-profiles.js';
