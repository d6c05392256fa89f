// The engine's catalogue of codes: load-time problems, request errors, funnel reasons and fallbacks, as data.
import { campaignDropReasons } from './campaigns/index.js';
import { decisionErrors, outcomeErrors } from './decision/decision-errors.js';
import { degradedReasons, funnelReasons } from './decision/reasons.js';
import { eventErrors } from './events/index.js';
import { featureProblems, featureSkipReasons } from './features/index.js';
import { contactPolicyProblems } from './policy/index.js';
import { ruleErrors } from './rules/index.js';
import { modelErrors } from './scoring/index.js';

/** Problems `buildConfig`/`loadConfigDir` report (in a ConfigError), each naming file, path and reason. */
export const configErrors = {
  CONFIG_INVALID: 'The config has problems; the error lists every one.',
  CONFIG_FILE_MISSING: 'A required file (actions, contact-policy, arbitration) is not in the config directory.',
  CONFIG_PARSE: 'The file is not valid YAML or JSON (or repeats a key); the message gives the line.',
  CONFIG_SCHEMA: 'A field has the wrong type or value, or a required field is missing.',
  CONFIG_UNKNOWN_FIELD: 'A field the schema does not know (often a typo).',
  CONFIG_DUPLICATE_ID: 'Two actions, models, issues, policy rules, triggers or campaigns share an id.',
  CONFIG_UNKNOWN_REFERENCE: 'A reference to an issue, group, channel or model that does not exist.',
  CONFIG_MISSING_TREATMENT: 'An action is offered on a channel but has no treatment (or lacks a field) for it.',
  CONFIG_INVALID_VALUE:
    'A value the schema accepts but the meaning does not (dates in the wrong order, an SMS over 160 characters, a cron pattern or time zone that does not parse, a campaign on an inbound channel).',
  MODEL_FILE_MISSING: 'The model file named by a manifest does not exist.',
} as const;

/** Every code the engine can report, by kind; docs/errors.md is kept in sync with this by a test. */
export const errorCatalogue = {
  config: configErrors,
  rule: ruleErrors,
  model: modelErrors,
  policy: contactPolicyProblems,
  feature: featureProblems,
  decision: decisionErrors,
  outcome: outcomeErrors,
  event: eventErrors,
  featureSkip: featureSkipReasons,
  funnel: funnelReasons,
  degraded: degradedReasons,
  campaignDrop: campaignDropReasons,
} as const;
