// Event validation: every problem names the field at fault, times are normalised to epoch ms.
import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH, validateEvent } from './subscriber-event.js';

const good = { id: 'e-1', type: 'care.contact', subscriberId: 'SUB-00000001', time: '2026-05-01T10:00:00Z' };

describe('validateEvent', () => {
  it('normalises the time to epoch ms and data to an object', () => {
    expect(validateEvent(good)).toEqual({ value: { ...good, time: Date.parse(good.time), data: {} } });
    expect(validateEvent({ ...good, time: 1_777_000_000_000, data: { pct: 81 } })).toEqual({
      value: { ...good, time: 1_777_000_000_000, data: { pct: 81 } },
    });
  });

  it.each([
    ['not an object', 'care.contact', undefined, 'INVALID_EVENT'],
    ['a list', [good], undefined, 'INVALID_EVENT'],
    ['an unknown field', { ...good, timestamp: 1 }, 'timestamp', 'INVALID_EVENT'],
    ['no id', { ...good, id: undefined }, 'id', 'INVALID_EVENT'],
    ['an empty id', { ...good, id: '' }, 'id', 'INVALID_EVENT'],
    ['an overlong id', { ...good, id: 'x'.repeat(MAX_ID_LENGTH + 1) }, 'id', 'INVALID_EVENT'],
    ['a numeric type', { ...good, type: 3 }, 'type', 'INVALID_EVENT'],
    ['no subscriberId', { ...good, subscriberId: '' }, 'subscriberId', 'INVALID_EVENT'],
    ['no time', { ...good, time: undefined }, 'time', 'INVALID_TIME'],
    ['a date without a time', { ...good, time: '2026-05-01' }, 'time', 'INVALID_TIME'],
    ['an impossible date', { ...good, time: '2026-13-45T10:00:00Z' }, 'time', 'INVALID_TIME'],
    ['a number past any date', { ...good, time: 1e300 }, 'time', 'INVALID_TIME'],
    ['a negative time', { ...good, time: -1 }, 'time', 'INVALID_TIME'],
    ['NaN', { ...good, time: Number.NaN }, 'time', 'INVALID_TIME'],
    ['data that is a list', { ...good, data: [1] }, 'data', 'INVALID_EVENT'],
    ['data that is null', { ...good, data: null }, 'data', 'INVALID_EVENT'],
  ])('rejects %s', (_, input, field, code) => {
    const result = validateEvent(input);
    expect('error' in result && result.error).toMatchObject({ code, ...(field ? { field } : {}) });
    expect('error' in result && result.error.message.length).toBeGreaterThan(10);
  });
});
