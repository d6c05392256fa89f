// The handler layer shared by HTTP and WebSocket: each `(runtime, input, caller?) => Promise<{ status, body }>`.
export { decide } from './decide.js';
export { type ContactEntry, getSubscriber, type SubscriberView } from './get-subscriber.js';
export { failure, guarded, type HandlerResult } from './handler-result.js';
export { type IngestAnswer, ingestEvent } from './ingest-event.js';
export { type ActionCatalog, type ActionFilter, type CatalogAction, listActions } from './list-actions.js';
export { type Readiness, ready } from './readiness.js';
export { recordOutcome } from './record-outcome.js';
export { simulate } from './simulate.js';
