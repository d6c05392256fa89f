// In-flight bookkeeping: an answer overtaken by a change is not cached, and later reads do not join it.
import { describe, expect, it } from 'vitest';
import { InFlight } from '../src/redis/profile-store-flights.js';

describe('InFlight', () => {
  it('a flight with no change meanwhile is current', () => {
    const flights = new InFlight();
    expect(flights.end(flights.begin('a'))).toBe(true);
  });

  it('a change to the subscriber while in flight makes it old; a change to another does not', () => {
    const flights = new InFlight();
    const a = flights.begin('a');
    const b = flights.begin('b');
    flights.supersede('a');
    expect(flights.end(a)).toBe(false);
    expect(flights.end(b)).toBe(true);
  });

  it('a flight begun after the change is current', () => {
    const flights = new InFlight();
    const before = flights.begin('a');
    flights.supersede('a');
    const after = flights.begin('a');
    expect(flights.end(after)).toBe(true);
    expect(flights.end(before)).toBe(false);
  });

  it('later reads join a shared read until it lands or a change makes it old', () => {
    const flights = new InFlight();
    const read = Promise.resolve('v1');
    const ticket = flights.begin('a');
    flights.share(ticket, read);
    expect(flights.shared('a')).toBe(read);
    flights.supersede('a');
    expect(flights.shared('a')).toBeUndefined();
    flights.end(ticket);
    const next = flights.begin('a');
    flights.share(next, read);
    flights.end(next);
    expect(flights.shared('a')).toBeUndefined();
  });
});
