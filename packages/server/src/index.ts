/** @module @arbiter/server — Redis stores, outbound channels, profile import and the CLI around @arbiter/engine. */
export * from './channels/index.js';
export { allErrorSections, serverErrorSections } from './errors.js';
export * from './import/index.js';
export { RedisContactHistory } from './redis/contact-history.js';
export { RedisDecisionLog } from './redis/decision-log.js';
export { RedisDebounceStore, RedisEventDedupe } from './redis/event-dedupe.js';
export { RedisProfileStore } from './redis/profile-store.js';
export { connectProfileRedis, failFastOptions } from './redis/profile-store-connection.js';
