// Test kit for the stream: a fake runtime, a ws client that decodes both frame types, and upgrade refusals.
import { EventEmitter } from 'node:events';
import { pack, unpack } from 'msgpackr';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { Caller, HandlerReply, StreamRuntime } from '../src/ws/stream-types.js';

/** A decoded frame, checked by the tests' expectations. */
// biome-ignore lint/suspicious/noExplicitAny: a frame's shape is what each test asserts; any keeps the assertions short.
export type Frame = any;

export const KEYS: Record<string, Caller> = {
  'key-channel': { id: 'k1', role: 'channel', name: 'web' },
  'key-agent': { id: 'k2', role: 'agent', name: 'alice' },
};

/** A runtime whose decisions carry a per-subscriber profile version, so a push can be told from the one before. */
export function fakeRuntime(overrides: Partial<StreamRuntime> = {}) {
  const events = new EventEmitter();
  const versions = new Map<string, number>([
    ['SUB-1', 1],
    ['SUB-2', 1],
  ]);
  const calls: { body: unknown; caller: Caller }[] = [];
  let decisions = 0;
  const runtime: StreamRuntime = {
    events,
    verifyKey: (key) => KEYS[key],
    async decide(body, caller): Promise<HandlerReply> {
      calls.push({ body, caller });
      const { subscriberId, channel } = body as { subscriberId?: string; channel?: unknown };
      if (typeof channel !== 'string') {
        return { status: 400, body: { error: { code: 'INVALID_REQUEST', message: 'channel', field: 'channel' } } };
      }
      const version = subscriberId === undefined ? undefined : versions.get(subscriberId);
      if (version === undefined) {
        return {
          status: 404,
          body: { error: { code: 'SUBSCRIBER_NOT_FOUND', message: 'no such subscriber', field: 'subscriberId' } },
        };
      }
      decisions++;
      return { status: 200, body: { decisionId: `d${decisions}`, subscriberId, channel, version, actions: [] } };
    },
    ...overrides,
  };
  /** An event changed the profile: the next decision shows the new version. */
  const change = (subscriberId: string) => {
    versions.set(subscriberId, (versions.get(subscriberId) ?? 0) + 1);
    events.emit('profile-changed', subscriberId);
  };
  return { runtime, events, calls, change, versions };
}

/** A ws client that decodes both frame types and lets a test wait for the next frame matching a predicate. */
export class Client {
  readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary) => {
      const frame = isBinary ? { ...unpack(data), binary: true } : JSON.parse(data.toString());
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      } else this.frames.push(frame);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static open(url: string, headers: Record<string, string> = { 'x-api-key': 'key-agent' }): Promise<Client> {
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  send(message: unknown, binary = false): void {
    this.socket.send(binary ? pack(message) : JSON.stringify(message), { binary });
  }

  sendRaw(data: string | Buffer, binary: boolean): void {
    this.socket.send(data, { binary });
  }

  /** The next frame (already received or still to come) that matches. */
  next(match: (frame: Frame) => boolean = () => true): Promise<Frame> {
    const index = this.frames.findIndex(match);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0]);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  reply(id: string | number): Promise<Frame> {
    return this.next((f) => f.id === id);
  }

  /** A ping answered proves the socket is open and everything sent before it was handled. */
  async alive(): Promise<void> {
    const id = `ping-${Math.random()}`;
    this.send({ id, type: 'ping' });
    expect(await this.reply(id)).toEqual({ id, type: 'pong' });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

/** The status and body of an HTTP upgrade the server refused. */
export function refusedUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Frame }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => {});
  });
}

/** Polls a condition the server reaches asynchronously (a close handler run); bounded, not timed. */
export async function until(condition: () => boolean, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('condition not reached');
}
