// PackedSlots: what a record holds comes back as written; anything that would not come back makes the record not fit.
import { describe, expect, it } from 'vitest';
import { PackedSlots, StringTable } from './packed-slots.js';

describe('PackedSlots', () => {
  it('reads back each field as written, slot by slot', () => {
    const slots = new PackedSlots(3, 32);
    const names = new StringTable();
    slots.startWrite(2);
    slots.text('d-1 é');
    slots.u8(255);
    slots.u16(65_535);
    slots.f64(1_795_000_000_123.5);
    slots.name(names, 'Santé €');
    expect(slots.fits).toBe(true);
    slots.startRead(2);
    expect([slots.readText(), slots.readU8(), slots.readU16(), slots.readF64(), slots.readName(names)]).toEqual([
      'd-1 é',
      255,
      65_535,
      1_795_000_000_123.5,
      'Santé €',
    ]);
    slots.startRead(2);
    expect(slots.readTextEquals('d-1 é')).toBe(true);
    slots.startRead(2);
    expect(slots.readTextEquals('d-1 e')).toBe(false);
  });

  it.each([
    ['past the slot', (s: PackedSlots) => s.text('x'.repeat(20))],
    ['a string longer than 255', (s: PackedSlots) => s.text('x'.repeat(256))],
    ['a character outside Latin-1', (s: PackedSlots) => s.text('Ω')],
    ['a u8 past 255', (s: PackedSlots) => s.u8(256)],
    ['a negative u16', (s: PackedSlots) => s.u16(-1)],
    ['a fractional u16', (s: PackedSlots) => s.u16(1.5)],
    ['a u16 past 65,535', (s: PackedSlots) => s.u16(65_536)],
  ])('does not fit %s, until the next write starts', (_case, write) => {
    const slots = new PackedSlots(2, 16);
    slots.startWrite(0);
    slots.u8(1);
    write(slots);
    slots.u8(2); // nothing more is written once a record has overflowed
    expect(slots.fits).toBe(false);
    slots.startWrite(1);
    slots.u8(3);
    expect(slots.fits).toBe(true);
  });

  it('does not fit a name once the table is full (65,536 names)', () => {
    const slots = new PackedSlots(1, 16);
    const names = new StringTable();
    for (let i = 0; i <= 0xffff; i++) names.ref(`n${i}`);
    slots.startWrite(0);
    slots.name(names, 'n65535'); // known: still fits
    expect(slots.fits).toBe(true);
    slots.name(names, 'one more');
    expect([slots.fits, names.size]).toEqual([false, 65_536]);
  });
});
