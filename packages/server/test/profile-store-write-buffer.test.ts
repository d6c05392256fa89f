// The write buffer held while Redis is down: newest write per subscriber, bounded, order kept across a failed flush.
import type { Profile } from '@arbiter/engine';
import { describe, expect, it } from 'vitest';
import { type PendingWrite, WriteBuffer } from '../src/redis/profile-store-write-buffer.js';

let seq = 0;
const put = (id: string, arpu = 1): PendingWrite => {
  const profile: Profile = { subscriberId: id, arpu };
  return { kind: 'put', subscriberId: id, profile, bytes: Buffer.from(id), seq: ++seq };
};
const ids = (writes: readonly PendingWrite[]) => writes.map((w) => w.subscriberId);

describe('WriteBuffer', () => {
  it('needs a positive limit', () => {
    expect(() => new WriteBuffer(0)).toThrow(RangeError);
  });

  it('keeps the newest write per subscriber, moved to the back', () => {
    const buffer = new WriteBuffer(10);
    buffer.add(put('a', 1));
    buffer.add(put('b'));
    buffer.add(put('a', 2));
    expect(buffer.size).toBe(2);
    expect(ids(buffer.take(10))).toEqual(['b', 'a']);
  });

  it('an older write never replaces a newer one', () => {
    const buffer = new WriteBuffer(10);
    const older = put('a', 1);
    buffer.add(put('a', 2));
    expect(buffer.add(older)).toEqual([]);
    expect(buffer.get('a')).toMatchObject({ profile: { arpu: 2 } });
  });

  it('past the limit drops the oldest and returns it', () => {
    const buffer = new WriteBuffer(2);
    buffer.add(put('a'));
    buffer.add(put('b'));
    expect(ids(buffer.add(put('c')))).toEqual(['a']);
    expect(ids(buffer.drain())).toEqual(['b', 'c']);
    expect(buffer.size).toBe(0);
  });

  it('a failed batch goes back in front, unless a newer write for it arrived meanwhile', () => {
    const buffer = new WriteBuffer(10);
    for (const id of ['a', 'b', 'c']) buffer.add(put(id));
    const batch = buffer.take(2);
    buffer.add(put('b', 9)); // written while the batch was out
    buffer.add(put('d'));
    expect(buffer.restore(batch)).toEqual([]);
    expect(ids(buffer.drain())).toEqual(['a', 'c', 'b', 'd']);
  });

  it('restoring past the limit drops the oldest', () => {
    const buffer = new WriteBuffer(2);
    buffer.add(put('a'));
    buffer.add(put('b'));
    const batch = buffer.take(2);
    buffer.add(put('c'));
    expect(ids(buffer.restore(batch))).toEqual(['a']);
  });

  it('a newer write that reached Redis settles an older held one', () => {
    const buffer = new WriteBuffer(10);
    const held = put('a');
    buffer.add(held);
    buffer.settled('a', held.seq); // the same write: stays
    expect(buffer.size).toBe(1);
    buffer.settled('a', held.seq + 1);
    expect(buffer.size).toBe(0);
  });
});
