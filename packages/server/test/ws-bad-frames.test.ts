// Bad input on the stream: every broken frame gets an error with a code, and the socket stays open (oversize aside).
import { pack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamServer } from '../src/ws/stream-server.js';
import type { StreamServer } from '../src/ws/stream-types.js';
import { Client, type Frame, fakeRuntime } from './ws-test-kit.js';

let server: StreamServer;
let client: Client;
beforeAll(async () => {
  server = await startStreamServer({ port: 0, runtime: fakeRuntime().runtime, maxPayloadLength: 64 * 1024 });
  client = await Client.open(server.url);
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });

// [name, frame (a string is a text frame, bytes a binary one), expected error, expected id]
const cases: [string, string | Buffer, { code: string; field?: string }, (string | number)?][] = [
  ['broken JSON', '{"id":1,"type":', { code: 'BODY_INVALID_JSON' }],
  ['an empty text frame', '', { code: 'BODY_INVALID_JSON' }],
  ['truncated msgpack', pack({ id: 1, type: 'ping' }).subarray(0, 6), { code: 'BODY_INVALID_MSGPACK' }],
  ['an empty binary frame', Buffer.alloc(0), { code: 'BODY_INVALID_MSGPACK' }],
  [
    'msgpack with bytes after the value',
    Buffer.concat([pack({ id: 1, type: 'ping' }), Buffer.from([1, 2])]),
    { code: 'BODY_INVALID_MSGPACK' },
  ],
  ['an unknown msgpack extension', Buffer.from([0xd4, 0x05, 0x01]), { code: 'BODY_INVALID_MSGPACK' }],
  [
    'msgpack bytes in a field',
    pack({ id: 1, type: 'decide', request: { channel: Buffer.from('app') } }),
    { code: 'BODY_INVALID_MSGPACK', field: 'request.channel' },
  ],
  [
    'a msgpack timestamp in a field',
    pack({ id: 1, type: 'decide', request: { now: new Date(0) } }),
    { code: 'BODY_INVALID_MSGPACK', field: 'request.now' },
  ],
  ['a JSON array', '[1,2]', { code: 'STREAM_INVALID_MESSAGE' }],
  ['a JSON string', '"ping"', { code: 'STREAM_INVALID_MESSAGE' }],
  ['null', 'null', { code: 'STREAM_INVALID_MESSAGE' }],
  ['a msgpack number', pack(42), { code: 'STREAM_INVALID_MESSAGE' }],
  ['no id', '{"type":"ping"}', { code: 'STREAM_INVALID_MESSAGE', field: 'id' }],
  ['an object id', '{"id":{},"type":"ping"}', { code: 'STREAM_INVALID_MESSAGE', field: 'id' }],
  ['an empty id', '{"id":"","type":"ping"}', { code: 'STREAM_INVALID_MESSAGE', field: 'id' }],
  ['no type', '{"id":"t1"}', { code: 'STREAM_INVALID_MESSAGE', field: 'type' }, 't1'],
  ['an unknown type', '{"id":"t2","type":"launch"}', { code: 'STREAM_UNKNOWN_TYPE', field: 'type' }, 't2'],
  [
    'a type from Object.prototype',
    '{"id":"t3","type":"constructor"}',
    { code: 'STREAM_UNKNOWN_TYPE', field: 'type' },
    't3',
  ],
  ['an unknown field', '{"id":3,"type":"ping","extra":true}', { code: 'STREAM_INVALID_MESSAGE', field: 'extra' }, 3],
  [
    'a __proto__ field',
    '{"id":4,"type":"ping","__proto__":{"x":1}}',
    { code: 'STREAM_INVALID_MESSAGE', field: '__proto__' },
    4,
  ],
  ['decide without a request', '{"id":5,"type":"decide"}', { code: 'STREAM_INVALID_MESSAGE', field: 'request' }, 5],
  [
    'decide with an array request',
    '{"id":6,"type":"decide","request":[]}',
    { code: 'STREAM_INVALID_MESSAGE', field: 'request' },
    6,
  ],
  [
    'subscribe without a subscriber',
    '{"id":7,"type":"subscribe","channel":"agent"}',
    { code: 'STREAM_INVALID_MESSAGE', field: 'subscriberId' },
    7,
  ],
  [
    'subscribe with a number channel',
    '{"id":8,"type":"subscribe","subscriberId":"S","channel":1}',
    { code: 'STREAM_INVALID_MESSAGE', field: 'channel' },
    8,
  ],
  [
    'subscribe with a string limit',
    '{"id":9,"type":"subscribe","subscriberId":"S","channel":"a","limit":"3"}',
    { code: 'STREAM_INVALID_MESSAGE', field: 'limit' },
    9,
  ],
  [
    'unsubscribe without a subscriber',
    '{"id":10,"type":"unsubscribe"}',
    { code: 'STREAM_INVALID_MESSAGE', field: 'subscriberId' },
    10,
  ],
  ['JSON nested 40 deep', JSON.stringify({ id: 11, type: 'decide', request: nest(40) }), { code: 'BODY_TOO_DEEP' }],
  ['JSON nested 30,000 deep', `${'['.repeat(30_000)}${']'.repeat(30_000)}`, { code: 'BODY_TOO_DEEP' }],
  ['msgpack nested 40 deep', pack({ id: 12, type: 'decide', request: nest(40) }), { code: 'BODY_TOO_DEEP' }],
  // Deeper than msgpackr's recursive reader can go: the stack overflow is caught and answered.
  [
    'msgpack nested 60,000 deep',
    Buffer.concat([Buffer.alloc(60_000, 0x91), Buffer.from([0xc0])]),
    { code: 'BODY_TOO_DEEP' },
  ],
];

describe('bad frames', () => {
  it.each(cases)('answers %s with an error and keeps the socket open', async (_name, frame, error, id) => {
    client.sendRaw(frame, typeof frame !== 'string');
    const answer = await client.next((f) => f.type === 'error');
    expect(answer.error).toMatchObject(error);
    expect(answer.error.message).toEqual(expect.any(String));
    if (id === undefined) expect(answer).not.toHaveProperty('id');
    else expect(answer.id).toBe(id);
    await client.alive();
  });

  it('answers 2,000 generated bad frames one for one, and still serves', async () => {
    const random = seeded(4242);
    const valid = [
      JSON.stringify({ id: 1, type: 'ping' }),
      JSON.stringify({ id: 'x', type: 'decide', request: { subscriberId: 'SUB-1', channel: 'app' } }),
      JSON.stringify({ id: 2, type: 'subscribe', subscriberId: 'SUB-1', channel: 'agent', limit: 2 }),
    ];
    const frames: (string | Buffer)[] = [];
    for (let i = 0; i < 2_000; i++) {
      const base = valid[i % valid.length]!;
      if (i % 4 === 0) {
        // Random bytes as a binary frame: mostly broken msgpack, sometimes a msgpack value that is no message.
        frames.push(
          Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))),
        );
      } else if (i % 4 === 1) {
        frames.push(pack(mutateValue(JSON.parse(base), random)));
      } else {
        frames.push(mutateText(base, random));
      }
    }
    const seen: Frame[] = [];
    const collect = (frame: Frame) => {
      seen.push(frame);
      return false;
    };
    const waiting = client.next((f) => (f.type === 'pong' && f.id === 'end' ? true : collect(f)));
    for (const frame of frames) client.sendRaw(frame, typeof frame !== 'string');
    client.send({ id: 'end', type: 'ping' });
    await waiting;
    // Every frame got exactly one answer (a subscribe answers before its first push, so pushes are not counted).
    const answers = seen.filter((f) => f.type !== 'recommendations');
    expect(answers).toHaveLength(frames.length);
    for (const answer of answers) {
      expect(['error', 'pong', 'decision', 'subscribed', 'unsubscribed']).toContain(answer.type);
      if (answer.type === 'error') expect(answer.error.code).toMatch(/^[A-Z_]+$/);
    }
    expect(answers.filter((a) => a.type === 'error').length).toBeGreaterThan(1_500);
    await client.alive();
  });
});

describe('frames uWebSockets.js drops the connection for', () => {
  it('closes on a frame over maxPayloadLength (1006, no close frame), and keeps serving others', async () => {
    const victim = await Client.open(server.url);
    victim.sendRaw('x'.repeat(64 * 1024 + 1), false);
    expect((await victim.closed).code).toBe(1006);
    const other = await Client.open(server.url);
    await other.alive();
    await other.close();
  });

  it('closes on a text frame that is not UTF-8, and keeps serving others', async () => {
    const victim = await Client.open(server.url);
    victim.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect([1006, 1007]).toContain((await victim.closed).code);
    await client.alive();
  });
});

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Breaks a valid text frame: a character deleted, replaced or inserted, or the frame cut short. */
function mutateText(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const junk = '{}[]":,\\0x-e1 '.charAt(Math.floor(random() * 15));
  switch (Math.floor(random() * 4)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + junk + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + junk + text.slice(at);
    default:
      return text.slice(0, at);
  }
}

/** Breaks a valid message's shape: a field dropped, retyped, or added. */
function mutateValue(message: Record<string, unknown>, random: () => number): unknown {
  const keys = Object.keys(message);
  const key = keys[Math.floor(random() * keys.length)]!;
  const copy = { ...message };
  const wrong = [null, 3.5, -1, true, [], {}, 'x'.repeat(200), { nested: [1, { a: null }] }];
  switch (Math.floor(random() * 3)) {
    case 0:
      delete copy[key];
      return copy;
    case 1:
      copy[key] = wrong[Math.floor(random() * wrong.length)];
      return copy;
    default:
      return { ...copy, [`extra${Math.floor(random() * 10)}`]: 1 };
  }
}
