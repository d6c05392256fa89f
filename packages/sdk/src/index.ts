/**
 * @module @arbiter/sdk — the typed client for the Arbiter server: decide, events, outcomes, the subscriber view and
 * the action catalog over HTTP, and recommendations pushed over the WebSocket stream. No runtime dependencies.
 */
export { backoffDelay } from './backoff.js';
export { type ArbiterClient, type ClientOptions, createClient } from './client.js';
export {
  ArbiterError,
  type ArbiterErrorCode,
  ArbiterNetworkError,
  ArbiterTimeoutError,
  type ClientErrorCode,
  isArbiterError,
  type ServerErrorCode,
  serverErrorCodes,
} from './errors.js';
export type { CallOptions } from './http-call.js';
export type { SubscribeOptions, Subscription } from './stream.js';
export type * from './types.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';
