// Error codes `engine.ingest` can return (they are returned, never thrown).

export const eventErrors = {
  INVALID_EVENT:
    'The event is not an object, lacks id, type or subscriberId, has a field of the wrong type, or an unknown field.',
  INVALID_TIME: 'The event time is missing, or neither epoch milliseconds nor an ISO 8601 timestamp.',
  EVENT_TOO_LATE: 'The event time is further behind the engine clock than features.yaml lateness allows (default 1h).',
  EVENT_IN_FUTURE:
    'The event time is further ahead of the engine clock than features.yaml clockSkew allows (default 5m).',
  SUBSCRIBER_NOT_FOUND: 'No profile for this subscriberId, and the engine does not create profiles for events.',
  PROFILE_STORE_UNAVAILABLE: 'The profile store failed to read or write the profile; the event was not applied.',
  EVENT_DEDUPE_UNAVAILABLE: 'The event dedupe store failed to answer; the event was not applied.',
  INTERNAL: 'An unexpected fault inside the engine; the message says what. Please report it.',
} as const;
export type EventErrorCode = keyof typeof eventErrors;
