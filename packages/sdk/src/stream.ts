// The client's one WebSocket to /v1/stream: subscriptions, heartbeats, and reconnects that resubscribe everything.
import { backoffDelay } from './backoff.js';
import { ArbiterError, ArbiterNetworkError, errorFromBody, type ServerErrorCode, serverErrorCodes } from './errors.js';
import type { Decision } from './types.js';
import { type MessageLike, OPEN, type WebSocketConstructor, type WebSocketLike } from './websocket-like.js';

/** What `client.subscribe` takes besides the subscriber id. */
export interface SubscribeOptions {
  /** The channel the recommendations are for (agent, app, ...). */
  channel: string;
  /** How many actions each push carries (the server's default when left out). */
  limit?: number;
  /** Fresh recommendations, each time an event changes the subscriber's profile. */
  onRecommendations: (decision: Decision, subscriberId: string) => void;
  /**
   * A refused subscription (the subscription ends), a lost connection (it is resubscribed when the stream is back),
   * or an error thrown by `onRecommendations`.
   */
  onError?: (error: ArbiterError) => void;
  /** The server confirmed the subscription: once at first, and again after every reconnect. */
  onSubscribed?: () => void;
}

/** A live subscription; `close()` unsubscribes, and the socket closes with the last one. */
export interface Subscription {
  close(): void;
}

export interface StreamSettings {
  /** ws:// or wss:// URL of /v1/stream, with the API key in `?key=` unless `headers` carry it. */
  url: string;
  /** Upgrade request headers (the API key), for implementations that take them (`ws`); browsers cannot. */
  headers?: Record<string, string>;
  WebSocket: WebSocketConstructor;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  /** A ping every this many ms; no pong by the next ping and the socket is dropped and reopened. 0: no heartbeat. */
  heartbeatMs: number;
  random?: () => number;
}

interface Entry {
  subscriberId: string;
  options: SubscribeOptions;
  /** Refused subscribes in a row that were worth retrying (429, 503): how long to wait before the next one. */
  refusals: number;
  retryTimer?: ReturnType<typeof setTimeout>;
}

/** The close code the server ends a connection with when its API key is revoked. */
const KEY_REVOKED_CLOSE = 4401;

/** Opens the socket on the first subscription, keeps it while any is left, and closes it with the last. */
export class StreamConnection {
  private readonly entries = new Set<Entry>();
  /** Request id to the subscription that sent it (subscribe frames) or null (pings). */
  private readonly pending = new Map<string, Entry | null>();
  private socket: WebSocketLike | undefined;
  private nextId = 1;
  private failedAttempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private awaitingPong: string | undefined;

  constructor(private readonly settings: StreamSettings) {}

  /**
   * Adds a subscription; it is (re)sent whenever the socket opens. The server follows a subscriber once per socket,
   * so a second subscription to the same subscriber must ask for the same channel and limit.
   */
  subscribe(subscriberId: string, options: SubscribeOptions): Subscription {
    for (const other of this.entries) {
      if (other.subscriberId !== subscriberId) continue;
      if (other.options.channel !== options.channel || other.options.limit !== options.limit) {
        throw new TypeError(
          `${subscriberId} is already followed on channel ${other.options.channel}: one channel and limit per subscriber per client`,
        );
      }
    }
    const entry: Entry = { subscriberId, options, refusals: 0 };
    this.entries.add(entry);
    if (this.socket?.readyState === OPEN) this.sendSubscribe(entry);
    else if (!this.socket && this.reconnectTimer === undefined) this.connect();
    return { close: () => this.remove(entry) };
  }

  /** Ends every subscription and closes the socket; nothing reconnects. */
  close(): void {
    for (const entry of [...this.entries]) this.remove(entry);
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry)) return;
    clearTimeout(entry.retryTimer);
    const shared = [...this.entries].some((e) => e.subscriberId === entry.subscriberId);
    if (!shared && this.socket?.readyState === OPEN) {
      this.send({ id: this.newId(), type: 'unsubscribe', subscriberId: entry.subscriberId });
    }
    if (this.entries.size === 0) this.shutdown();
  }

  private shutdown(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.detach();
    socket?.close(1000, 'no subscriptions left');
    this.failedAttempts = 0;
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    const { WebSocket, url, headers } = this.settings;
    const socket = headers ? new WebSocket(url, [], { headers }) : new WebSocket(url);
    this.socket = socket;
    let answered = false;
    socket.onopen = () => {
      for (const entry of this.entries) this.sendSubscribe(entry);
      this.startHeartbeat();
    };
    socket.onmessage = (event: MessageLike) => {
      // Backoff starts over only once the server has answered: a server that accepts and drops at once is not healthy.
      if (!answered) {
        answered = true;
        this.failedAttempts = 0;
      }
      this.onFrame(event.data);
    };
    // Every implementation follows an error with a close; the close is where reconnecting starts.
    socket.onerror = () => {};
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.socket !== socket) return;
      if (event.code === KEY_REVOKED_CLOSE) return this.keyRevoked();
      this.lost(`the stream closed (${event.code ?? 'no code'}${event.reason ? `: ${event.reason}` : ''})`);
    };
  }

  /** The socket is gone: tell the subscribers, and reopen it after a backoff while any subscription is left. */
  private lost(why: string): void {
    this.detach();
    if (this.entries.size === 0) return;
    const error = new ArbiterNetworkError(`${why}; reconnecting and resubscribing`);
    for (const entry of this.entries) entry.options.onError?.(error);
    const delay = backoffDelay(this.failedAttempts++, this.backoff());
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** The key was revoked: reconnecting with it would be refused every time, so every subscription ends here. */
  private keyRevoked(): void {
    const error = new ArbiterError({
      code: 'STREAM_KEY_REVOKED',
      status: 401,
      message: 'the API key this client uses was revoked; the stream closed and will not reconnect with it',
    });
    const ended = [...this.entries];
    this.detach();
    for (const entry of ended) {
      this.entries.delete(entry);
      clearTimeout(entry.retryTimer);
    }
    this.failedAttempts = 0;
    for (const entry of ended) entry.options.onError?.(error);
  }

  private detach(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.awaitingPong = undefined;
    this.pending.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      // A late error from a socket we let go of must not surface as an unhandled 'error' event.
      socket.onerror = () => {};
    }
  }

  private startHeartbeat(): void {
    if (this.settings.heartbeatMs <= 0) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.awaitingPong !== undefined) {
        // A dead peer may never finish a close handshake, so do not wait for one.
        const socket = this.socket;
        this.lost('no pong to the last ping');
        socket?.close(4000, 'heartbeat timeout');
        return;
      }
      this.awaitingPong = this.newId();
      this.pending.set(this.awaitingPong, null);
      this.send({ id: this.awaitingPong, type: 'ping' });
    }, this.settings.heartbeatMs);
  }

  private sendSubscribe(entry: Entry): void {
    const id = this.newId();
    this.pending.set(id, entry);
    const { channel, limit } = entry.options;
    this.send({
      id,
      type: 'subscribe',
      subscriberId: entry.subscriberId,
      channel,
      ...(limit === undefined ? {} : { limit }),
    });
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return; // this client asks for JSON only; a binary frame is not for it
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const id = typeof frame.id === 'string' ? frame.id : undefined;
    const from = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined) this.pending.delete(id);
    switch (frame.type) {
      case 'subscribed':
        if (from) {
          from.refusals = 0;
          this.call(from, () => from.options.onSubscribed?.());
        }
        return;
      case 'pong':
        if (id === this.awaitingPong) this.awaitingPong = undefined;
        return;
      case 'recommendations':
        this.deliver(frame.subscriberId, frame.decision as Decision);
        return;
      case 'error':
        if (from === undefined && typeof frame.subscriberId === 'string')
          this.pushFailed(frame.subscriberId, frame.error);
        else this.onErrorFrame(from, frame.error);
        return;
      default:
        return;
    }
  }

  private deliver(subscriberId: unknown, decision: Decision): void {
    for (const entry of this.entries) {
      if (entry.subscriberId !== subscriberId) continue;
      if (decision?.channel !== undefined && decision.channel !== entry.options.channel) continue;
      this.call(entry, () => entry.options.onRecommendations(decision, entry.subscriberId));
    }
  }

  /** A push that failed (a store down, say): the recommendations on screen are stale; the subscription goes on. */
  private pushFailed(subscriberId: string, body: unknown): void {
    const error = errorFromFrame(body);
    for (const entry of this.entries) if (entry.subscriberId === subscriberId) entry.options.onError?.(error);
  }

  private onErrorFrame(from: Entry | null | undefined, body: unknown): void {
    const error = errorFromFrame(body);
    const status = error.status;
    if (from === null) return; // a ping the server refused: the heartbeat only cares about pongs
    if (from === undefined) {
      for (const entry of this.entries) entry.options.onError?.(error);
      return;
    }
    from.options.onError?.(error);
    if (status === 429 || status >= 500) {
      // "Not now": ask again after a backoff, on this socket.
      const delay = backoffDelay(from.refusals++, this.backoff());
      from.retryTimer = setTimeout(() => {
        if (this.entries.has(from) && this.socket?.readyState === OPEN) this.sendSubscribe(from);
      }, delay);
    } else {
      // "No" (unknown subscriber, forbidden, a bad channel): asking again will not change the answer.
      this.remove(from);
    }
  }

  /** Runs a subscriber's callback; what it throws goes to its onError rather than into the socket's handler. */
  private call(entry: Entry, callback: () => void): void {
    try {
      callback();
    } catch (thrown) {
      const error =
        thrown instanceof ArbiterError
          ? thrown
          : new ArbiterError({
              code: 'CALLBACK_FAILED',
              status: 0,
              message: `a subscription callback threw: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
              cause: thrown,
            });
      entry.options.onError?.(error);
    }
  }

  private send(frame: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(frame));
  }

  private newId(): string {
    return `c${this.nextId++}`;
  }

  private backoff() {
    const { reconnectBaseMs, reconnectMaxMs, random } = this.settings;
    return { baseMs: reconnectBaseMs, maxMs: reconnectMaxMs, ...(random ? { random } : {}) };
  }
}

/** An error frame's `error`, typed, with the HTTP status its code stands for (400 for a code this SDK does not know). */
function errorFromFrame(body: unknown): ArbiterError {
  const code = (body as { code?: unknown } | undefined)?.code;
  const known = typeof code === 'string' && code in serverErrorCodes;
  return errorFromBody(known ? serverErrorCodes[code as ServerErrorCode] : 400, { error: body });
}
