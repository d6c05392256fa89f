// Public API of events: the event shape and its check, dedupe, the ingest path and its error codes.
export {
  DEFAULT_DEDUPE_IDS,
  type EventDedupe,
  InMemoryEventDedupe,
  type InMemoryEventDedupeOptions,
} from './event-dedupe.js';
export { type EventErrorCode, eventErrors } from './event-errors.js';
export {
  type EventOptions,
  type IngestDeps,
  type IngestResult,
  type IngestSuccess,
  ingest,
  ingestDeps,
  type UnknownSubscriberPolicy,
} from './ingest.js';
export { KeyedQueue } from './keyed-queue.js';
export {
  type EventError,
  type SubscriberEvent,
  type SubscriberEventInput,
  validateEvent,
} from './subscriber-event.js';
