// One client's socket: who it is, its subscriptions, and sending under the two backpressure bounds.
import type { WebSocket } from '@trufflesuite/uws-js-unofficial';
import { encodeFrame } from './frame-codec.js';
import { streamCloseCodes } from './stream-errors.js';
import type { ServerMessage } from './stream-protocol.js';
import type { Caller } from './stream-types.js';
import type { Subscription } from './subscription-registry.js';

/** What uWS keeps per socket: the connection is attached at open. */
export interface SocketData {
  caller: Caller;
  connection?: StreamConnection;
}

export interface BackpressureBounds {
  /** Above this many buffered bytes pushes are dropped (answers still go). */
  push: number;
  /** Above this many buffered bytes the connection is closed with 4008. */
  hard: number;
}

/**
 * A socket from open to close. After close every send is a no-op: uWS throws on a closed socket, and answers to
 * decide calls still in flight arrive after the client has gone.
 */
export class StreamConnection {
  closed = false;
  /** decide and subscribe messages waiting for their answer. */
  inFlight = 0;
  readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly socket: WebSocket<SocketData>,
    readonly caller: Caller,
    private readonly bounds: BackpressureBounds,
    private readonly onBackpressureClose: () => void,
  ) {}

  /** Bytes waiting to be sent to the client (0 once closed). */
  buffered(): number {
    return this.closed ? 0 : this.socket.getBufferedAmount();
  }

  /** True when pushes should wait: the client is this far behind. */
  pushesHeld(): boolean {
    return this.buffered() > this.bounds.push;
  }

  /** Sends an answer the client asked for; a client that lets answers pile up past the hard bound is closed. */
  answer(message: ServerMessage, binary: boolean): void {
    if (this.closed) return;
    this.socket.cork(() => this.socket.send(encodeFrame(message, binary), binary));
    this.enforceHardBound();
  }

  /** Sends a push unless the client is behind; false when it was dropped (the caller counts it). */
  push(message: ServerMessage, binary: boolean): boolean {
    if (this.closed) return false;
    if (this.pushesHeld()) return false;
    this.socket.cork(() => this.socket.send(encodeFrame(message, binary), binary));
    this.enforceHardBound();
    return true;
  }

  /** Closes with a code and reason; the close handler runs at once (uWS calls it synchronously). */
  end(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.end(code, reason);
  }

  private enforceHardBound(): void {
    if (this.closed || this.socket.getBufferedAmount() <= this.bounds.hard) return;
    this.onBackpressureClose();
    this.end(streamCloseCodes.STREAM_BACKPRESSURE, 'STREAM_BACKPRESSURE');
  }
}
