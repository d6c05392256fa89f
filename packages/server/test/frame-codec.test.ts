// The frame codec on its own: msgpack's shared-reference extensions are refused, and a value that is not a tree
// costs no more to check than its size, whatever the frame describes.
import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { checkFrameValue, decodeFrame } from '../src/ws/frame-codec.js';

const MAX_DEPTH = 32;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * The tester's frame: `{ id: 1, type: 'ping', x: [def0..defN] }` where def0 is `[]` under id 0 (extension 0x69) and
 * defK is `[ptr(K-1), ptr(K-1)]` under id K (pointers are extension 0x70): ~20 bytes a level, 2^N paths.
 */
function dagFrame(levels: number): Buffer {
  const parts: Buffer[] = [
    Buffer.from([0x83, 0xa2]),
    Buffer.from('id'),
    Buffer.from([0x01, 0xa4]),
    Buffer.from('type'),
    Buffer.from([0xa4]),
    Buffer.from('ping'),
    Buffer.from([0xa1]),
    Buffer.from('x'),
    Buffer.from([0xdc, (levels + 1) >> 8, (levels + 1) & 0xff]),
    Buffer.from([0xd6, 0x69]),
    u32(0),
    Buffer.from([0x90]),
  ];
  for (let k = 1; k <= levels; k++) {
    parts.push(Buffer.from([0xd6, 0x69]), u32(k), Buffer.from([0x92, 0xd6, 0x70]), u32(k - 1));
    parts.push(Buffer.from([0xd6, 0x70]), u32(k - 1));
  }
  return Buffer.concat(parts);
}

/** The same DAG built in memory, as a decoder that honoured shared references would hand it over. */
function dagValue(levels: number): unknown[] {
  const defs: unknown[][] = [[]];
  for (let k = 1; k <= levels; k++) defs.push([defs[k - 1], defs[k - 1]]);
  return defs;
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

describe('decodeFrame and msgpack shared references', () => {
  it('refuses a ~500-byte DAG frame of 25 levels quickly, as invalid msgpack', () => {
    const frame = dagFrame(25);
    expect(frame.length).toBeLessThan(600);
    const { result, ms } = timed(() => decodeFrame(arrayBuffer(frame), true, MAX_DEPTH));
    expect(result).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
    if (!result.ok) expect(result.error.message).toMatch(/more than once/);
    expect(ms).toBeLessThan(200);
  });

  it('refuses the deepest DAG frame the depth bound allows (29 levels) just as quickly', () => {
    const { result, ms } = timed(() => decodeFrame(arrayBuffer(dagFrame(29)), true, MAX_DEPTH));
    expect(result).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
    expect(ms).toBeLessThan(200);
  });

  it('refuses any use of the id / pointer extensions, even a harmless one', () => {
    // A structured-clone packer writes an object it meets twice once under an id (0x69) and then as a pointer (0x70).
    const shared = { channel: 'app' };
    const withPointer = new Packr({ structuredClone: true }).pack({ id: 1, type: 'ping', a: shared, b: shared });
    expect(withPointer.includes(0x70)).toBe(true);
    const decoded = decodeFrame(arrayBuffer(withPointer), true, MAX_DEPTH);
    expect(decoded).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
    if (!decoded.ok) expect(decoded.error.message).toMatch(/0x69 and 0x70/);

    // An id extension alone, around a plain empty array.
    const idOnly = Buffer.concat([Buffer.from([0xd6, 0x69]), u32(7), Buffer.from([0x90])]);
    expect(decodeFrame(arrayBuffer(idOnly), true, MAX_DEPTH)).toMatchObject({
      ok: false,
      error: { code: 'BODY_INVALID_MSGPACK' },
    });
  });

  it('still decodes an ordinary msgpack frame to the same value', () => {
    const message = {
      id: 7,
      type: 'decide',
      request: { subscriberId: 'sub-1', channel: 'app', context: { tags: ['a', 'b', 'a'], score: 1.5, ok: true } },
      empty: [[], {}, null],
    };
    expect(decodeFrame(arrayBuffer(pack(message)), true, MAX_DEPTH)).toEqual({ ok: true, value: message });
    expect(decodeFrame(arrayBuffer(Buffer.from(JSON.stringify(message))), false, MAX_DEPTH)).toEqual({
      ok: true,
      value: message,
    });
  });

  it('keeps answering too-deep and non-JSON frames as before', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 40; i++) nested = [nested];
    expect(decodeFrame(arrayBuffer(pack({ id: 1, nested })), true, MAX_DEPTH)).toMatchObject({
      ok: false,
      error: { code: 'BODY_TOO_DEEP' },
    });
    const withBytes = pack({ id: 1, type: 'decide', request: { channel: Buffer.from([1, 2]) } });
    expect(decodeFrame(arrayBuffer(withBytes), true, MAX_DEPTH)).toMatchObject({
      ok: false,
      error: { code: 'BODY_INVALID_MSGPACK', field: 'request.channel' },
    });
  });
});

describe('checkFrameValue on a value that is not a tree', () => {
  it('refuses a 29-level shared-reference DAG in linear time', () => {
    const { result, ms } = timed(() => checkFrameValue({ id: 1, type: 'ping', x: dagValue(29) }, MAX_DEPTH));
    expect(result).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
    expect(ms).toBeLessThan(200);
  });

  it('refuses the DAG even when a non-JSON value is found first (no exponential search for its path)', () => {
    // The walk meets the NaN first; the path search for it must not be run over the DAG (2^25 paths).
    const { result, ms } = timed(() => checkFrameValue({ x: [dagValue(25), Number.NaN] }, MAX_DEPTH));
    expect(result).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
    if (!result.ok) expect(result.error.field).toBeUndefined();
    expect(ms).toBeLessThan(200);
  });

  it('refuses a cycle', () => {
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    expect(checkFrameValue(cyclic, MAX_DEPTH)).toMatchObject({ ok: false, error: { code: 'BODY_INVALID_MSGPACK' } });
  });

  it('accepts equal but distinct objects and repeated primitives', () => {
    const value = { a: { k: 'v' }, b: { k: 'v' }, list: ['s', 's', 1, 1, null, null] };
    expect(checkFrameValue(value, MAX_DEPTH)).toEqual({ ok: true, value });
  });
});
