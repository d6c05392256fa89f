/** @module @arbiter/server — the HTTP and WebSocket server, Redis stores, outbound channels, profile import and the CLI. */
export * from './channels/index.js';
export { createConfigManager } from './config-manager/config-manager.js';
export { allErrorSections, serverErrorSections } from './errors.js';
export * as handlers from './handlers/index.js';
export { buildApp } from './http/app.js';
export { httpErrors } from './http/errors.js';
export * from './import/index.js';
export { createMetrics } from './metrics/metrics.js';
export { metricsPlugin } from './metrics/metrics-plugin.js';
export { RedisContactHistory } from './redis/contact-history.js';
export { RedisDecisionLog } from './redis/decision-log.js';
export { RedisDebounceStore, RedisEventDedupe } from './redis/event-dedupe.js';
export { RedisProfileStore } from './redis/profile-store.js';
export { connectProfileRedis, failFastOptions } from './redis/profile-store-connection.js';
export { createRuntime } from './runtime/runtime.js';
export { ApiKeyStore } from './security/api-keys.js';
export { startServer } from './serve.js';
export { STREAM_PATH, startStreamServer } from './ws/stream-server.js';
