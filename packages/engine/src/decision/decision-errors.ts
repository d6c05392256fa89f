// Error codes a decision or an outcome request can return (they are returned, never thrown).

export const decisionErrors = {
  INVALID_REQUEST: 'The request is not an object, or has a field of the wrong type or an unknown field.',
  UNKNOWN_CHANNEL: 'The channel is not one of the channels in contact-policy.yaml.',
  INVALID_CONTEXT: 'The context is not a plain object.',
  INVALID_LIMIT: 'The limit is not a whole number between 1 and arbitration maxLimit.',
  INVALID_TIME:
    'The time is neither epoch milliseconds nor an ISO 8601 timestamp, or lies outside the range a date can hold (8.64e15 ms either side of 1970).',
  SUBSCRIBER_NOT_FOUND: 'No profile for this subscriberId in the profile store.',
  PROFILE_STORE_UNAVAILABLE: 'The profile store failed to answer; no decision could be made.',
  INTERNAL: 'An unexpected fault inside the engine; the message says what. Please report it.',
} as const;
export type DecisionErrorCode = keyof typeof decisionErrors;

export const outcomeErrors = {
  INVALID_REQUEST: 'The request is not an object, or has a field of the wrong type.',
  INVALID_OUTCOME: 'The outcome is not one of impression, click, accept, reject, convert.',
  INVALID_TIME:
    'The time is neither epoch milliseconds nor an ISO 8601 timestamp, or falls before its decision or after now (give or take 5 minutes).',
  UNKNOWN_DECISION: 'No recent decision has this decisionId (unknown, or older than the decision log keeps).',
  ACTION_NOT_IN_DECISION: 'The action was not among the actions this decision returned.',
  CONTACT_HISTORY_UNAVAILABLE: 'The contact history store failed to record the outcome.',
} as const;
export type OutcomeErrorCode = keyof typeof outcomeErrors;
