// What the stream server needs from the rest of the server: a decide handler, the profile-changed events, key checks.
import type { UwsHttpOptions } from './uws-http.js';

/** Roles in rising order: each has what the ones before it have (docs/server-plan.md). */
export type Role = 'channel' | 'agent' | 'analyst' | 'admin';

/** Who is calling: what `ApiKeyStore.verify` returns for a good key. */
export interface Caller {
  id: string;
  role: Role;
  name: string;
}

/** A handler's answer, the same for HTTP and the stream. */
export interface HandlerReply {
  status: number;
  body: unknown;
}

/** The metrics calls the stream makes (`Metrics` from ../metrics satisfies it). */
export interface StreamMetrics {
  request(endpoint: string, method: string): void;
  response(endpoint: string, method: string, status: number, durationMs: number): void;
  stream(event: StreamEvent): void;
}

/** Things that happen on the stream besides request and answer, counted by the metrics. */
export type StreamEvent = 'opened' | 'closed' | 'push' | 'push-dropped' | 'push-failed' | 'closed-backpressure';

/**
 * The runtime as the stream sees it. The server's runtime and handlers satisfy it:
 * `{ decide: (body, caller) => decide(runtime, body, caller), events: runtime.events,
 *    verifyKey: (key) => runtime.keys.verify(key), metrics: runtime.metrics }`.
 */
export interface StreamRuntime {
  /** The decide handler: never throws; `body` is the decision on 200, `{ error }` otherwise. */
  decide(body: unknown, caller: Caller): Promise<HandlerReply>;
  /** Emits 'profile-changed' (subscriberId) after an event changed a profile. */
  events: ProfileChangedEvents;
  /** The caller a key belongs to, or undefined for an unknown or revoked key. */
  verifyKey(key: string): Caller | undefined | Promise<Caller | undefined>;
  /** Roles in order; defaults to channel < agent < analyst < admin (give security's `roleAllows` to share it). */
  roleAllows?(callerRole: Role, requiredRole: Role): boolean;
  metrics?: StreamMetrics;
}

/** The part of the runtime's EventEmitter the stream uses. */
export interface ProfileChangedEvents {
  on(event: 'profile-changed', listener: (subscriberId: string) => void): unknown;
  off(event: 'profile-changed', listener: (subscriberId: string) => void): unknown;
}

export interface StreamServerOptions {
  runtime: StreamRuntime;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Largest frame accepted, in bytes (default 64 KB); uWebSockets.js drops the connection on a larger one. */
  maxPayloadLength?: number;
  /** Hard bound on bytes waiting to be sent to one client (default 1 MB): past it the connection is closed (4008). */
  maxBackpressure?: number;
  /** Above this many buffered bytes, recommendation pushes are dropped and counted (default maxBackpressure / 4). */
  pushBackpressure?: number;
  /** Seconds without traffic before a connection is dropped; uWS pings before that (default 60, 0 disables). */
  idleTimeoutSeconds?: number;
  /** Subscriptions per connection (default 100). */
  maxSubscriptions?: number;
  /** Decide and subscribe messages awaiting their answer per connection (default 64). */
  maxInFlight?: number;
  /** Deepest nesting of objects and arrays in a frame (default 32). */
  maxDepth?: number;
  /** JSON POST routes served on this port too, over uWS HTTP (`startServer` gives POST /v1/decisions). */
  http?: UwsHttpOptions;
}

/** A running stream server. */
export interface StreamServer {
  port: number;
  /** ws://host:port/v1/stream */
  url: string;
  /** Counters since start, for tests and the health view. */
  stats(): StreamStats;
  /** Ends every connection opened with this key id (close code 4401, its key was revoked); how many it ended. */
  endCaller(callerId: string): number;
  /** Stops listening, closes every connection with 1001, detaches from the runtime's events. */
  close(): Promise<void>;
}

export interface StreamStats {
  connections: number;
  subscriptions: number;
  pushes: number;
  droppedPushes: number;
  closedForBackpressure: number;
}
