// Each aggregate over sliding windows: window edges, bucket boundaries, late events, skips, state layout and resets.
import { describe, expect, it } from 'vitest';
import { compileFeatures } from './compile-features.js';
import { computeFeatures } from './compute-features.js';
import type { FeatureSet } from './feature-set.js';
import { type FeatureState, foldEvent, MAX_DISTINCT } from './feature-state.js';
import type { FeatureSpec, FeatureValue } from './features-schema.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A UTC midnight: the start of a 1d bucket (and of a 1h one). */
const T0 = Date.UTC(2026, 4, 1);

function featureSet(...features: FeatureSpec[]): FeatureSet {
  const { set, problems } = compileFeatures({ lateness: '1h', clockSkew: '5m', features });
  expect(problems).toEqual([]);
  return set;
}

type Ev = [type: string, time: number, data?: Record<string, unknown>];

/** Folds the events in order, each at its own time as the engine clock (or `at` when given). */
function fold(set: FeatureSet, events: Ev[], at?: number, state?: FeatureState): FeatureState {
  for (const [type, time, data] of events)
    state = foldEvent(set, state, { type, time, data: data ?? {} }, at ?? time).state;
  return state ?? {};
}

const value = (set: FeatureSet, state: FeatureState, now: number, name: string): FeatureValue | undefined =>
  computeFeatures(set, state, now)[name];

describe('count over a sliding window', () => {
  const set = featureSet({ name: 'care90d', event: 'care.contact', aggregate: 'count', window: '90d' });

  it('keeps 90d in 1d buckets, sparse: one bucket index and count per day with events', () => {
    const state = fold(set, [
      ['care.contact', T0 + 2 * HOUR],
      ['care.contact', T0 + 20 * HOUR],
      ['care.contact', T0 + 3 * DAY],
    ]);
    const day = T0 / DAY;
    expect(state.care90d).toEqual(['count:86400000', day, 2, day + 3, 1]);
    expect(value(set, state, T0 + 3 * DAY, 'care90d')).toBe(3);
  });

  it('counts an event through the 90th day bucket and drops it on the 91st (the window is the current day and 89 before)', () => {
    const state = fold(set, [['care.contact', T0 + 12 * HOUR]]);
    expect(value(set, state, T0 + 90 * DAY - 1, 'care90d')).toBe(1);
    expect(value(set, state, T0 + 90 * DAY, 'care90d')).toBe(0);
  });

  it('puts events either side of midnight in different buckets', () => {
    const state = fold(set, [
      ['care.contact', T0 - 1],
      ['care.contact', T0],
    ]);
    expect(value(set, state, T0 + 89 * DAY, 'care90d')).toBe(1);
    expect(value(set, state, T0 + 89 * DAY - 1, 'care90d')).toBe(2);
  });

  it('prunes buckets that left the window when it writes', () => {
    const state = fold(set, [
      ['care.contact', T0],
      ['care.contact', T0 + 100 * DAY],
    ]);
    expect(state.care90d).toEqual(['count:86400000', T0 / DAY + 100, 1]);
  });

  it('without a window counts every event ever', () => {
    const all = featureSet({ name: 'contacts', event: 'care.contact', aggregate: 'count' });
    const state = fold(all, [
      ['care.contact', T0],
      ['care.contact', T0 + 400 * DAY],
    ]);
    expect(state.contacts).toEqual(['count:Infinity', 0, 2]);
    expect(value(all, state, T0 + 4000 * DAY, 'contacts')).toBe(2);
  });

  it('counts events of every listed type', () => {
    const both = featureSet({
      name: 'touches',
      event: ['care.contact', 'care.chat'],
      aggregate: 'count',
      window: '7d',
    });
    const state = fold(both, [
      ['care.contact', T0],
      ['care.chat', T0 + HOUR],
      ['web.visit', T0 + HOUR],
    ]);
    expect(value(both, state, T0 + DAY, 'touches')).toBe(2);
  });
});

describe('late events', () => {
  const set = featureSet({ name: 'opens24h', event: 'app.open', aggregate: 'count', window: '24h' });

  it('land in the bucket of their own time, in order, not in the current one', () => {
    const now = T0 + 10 * HOUR + 5 * MIN;
    let state = fold(set, [['app.open', T0 + 10 * HOUR]], now);
    state = fold(set, [['app.open', T0 + 9 * HOUR + 50 * MIN]], now, state);
    const h = T0 / HOUR;
    expect(state.opens24h).toEqual(['count:3600000', h + 9, 1, h + 10, 1]);
    // 24 hours on, the late event's hour has left the window while the on-time one's has not.
    expect(value(set, state, T0 + 33 * HOUR + 59 * MIN, 'opens24h')).toBe(1);
  });

  it('are skipped with OUTSIDE_WINDOW when already older than the window', () => {
    const short = featureSet({ name: 'opens1h', event: 'app.open', aggregate: 'count', window: '1h' });
    const result = foldEvent(short, undefined, { type: 'app.open', time: T0, data: {} }, T0 + 2 * HOUR);
    expect(result.skipped).toEqual([{ feature: 'opens1h', reason: 'OUTSIDE_WINDOW' }]);
    expect(result.state).toBeUndefined();
  });

  it('are not the last value when a newer one is held', () => {
    const last = featureSet({ name: 'pct', event: 'usage.data', aggregate: 'last', field: 'pct' });
    const state = fold(
      last,
      [
        ['usage.data', T0 + 10 * MIN, { pct: 81 }],
        ['usage.data', T0, { pct: 60 }],
      ],
      T0 + 15 * MIN,
    );
    expect(value(last, state, T0 + 15 * MIN, 'pct')).toBe(81);
  });
});

describe('sum, min and max', () => {
  const set = featureSet(
    { name: 'topUps', event: 'billing.top-up', aggregate: 'sum', field: 'amountEur', window: '7d' },
    { name: 'lowest', event: 'billing.balance', aggregate: 'min', field: 'balanceEur', window: '24h' },
    { name: 'longestWait', event: 'care.contact', aggregate: 'max', field: 'wait.minutes', window: '7d' },
  );

  it('sum adds within and across buckets, and forgets what left the window', () => {
    const state = fold(set, [
      ['billing.top-up', T0, { amountEur: 10 }],
      ['billing.top-up', T0 + HOUR, { amountEur: 5 }],
      ['billing.top-up', T0 + 3 * DAY, { amountEur: 20 }],
    ]);
    expect(state.topUps).toEqual(['sum:86400000', T0 / DAY, 15, T0 / DAY + 3, 20]);
    expect(value(set, state, T0 + 3 * DAY, 'topUps')).toBe(35);
    expect(value(set, state, T0 + 7 * DAY, 'topUps')).toBe(20);
    expect(value(set, state, T0 + 10 * DAY, 'topUps')).toBe(0);
  });

  it('min keeps the lowest per bucket; when that bucket leaves the window the next lowest shows', () => {
    const state = fold(set, [
      ['billing.balance', T0, { balanceEur: 2 }],
      ['billing.balance', T0 + 30 * MIN, { balanceEur: 8 }],
      ['billing.balance', T0 + 5 * HOUR, { balanceEur: 4 }],
    ]);
    expect(value(set, state, T0 + 5 * HOUR, 'lowest')).toBe(2);
    expect(value(set, state, T0 + 24 * HOUR, 'lowest')).toBe(4);
    expect(value(set, state, T0 + 29 * HOUR, 'lowest')).toBeNull();
  });

  it('max reads a nested field', () => {
    const state = fold(set, [
      ['care.contact', T0, { wait: { minutes: 12 } }],
      ['care.contact', T0 + DAY, { wait: { minutes: 3 } }],
    ]);
    expect(value(set, state, T0 + DAY, 'longestWait')).toBe(12);
    expect(value(set, state, T0 + 7 * DAY, 'longestWait')).toBe(3);
  });

  it('skip an event whose field is missing or not a number, and say which and why', () => {
    const missing = foldEvent(set, undefined, { type: 'care.contact', time: T0, data: { wait: 5 } }, T0);
    expect(missing.skipped).toEqual([{ feature: 'longestWait', reason: 'FIELD_MISSING' }]);
    const text = foldEvent(set, undefined, { type: 'billing.top-up', time: T0, data: { amountEur: '10' } }, T0);
    expect(text.skipped).toEqual([{ feature: 'topUps', reason: 'FIELD_NOT_NUMBER' }]);
    expect(text.state).toBeUndefined();
  });

  it('skip a sum value beyond 2^53, so two of 1e308 cannot make the window Infinity for good', () => {
    const huge = { type: 'billing.top-up', time: T0, data: { amountEur: 1e308 } };
    const first = foldEvent(set, undefined, huge, T0);
    expect(first.skipped).toEqual([{ feature: 'topUps', reason: 'FIELD_NOT_NUMBER' }]);
    const state = fold(set, [['billing.top-up', T0, { amountEur: 10 }]]);
    const second = foldEvent(set, state, { ...huge, time: T0 + HOUR }, T0 + HOUR);
    expect(second.skipped).toHaveLength(1);
    expect(value(set, second.state!, T0 + HOUR, 'topUps')).toBe(10);
  });

  it('a stored cell that is not a list (state from outside) is started afresh, not folded into', () => {
    const tag = set.features.find((f) => f.name === 'topUps')!.tag;
    const forged = { topUps: { 0: tag, length: 1e9 } } as never;
    const result = foldEvent(set, forged, { type: 'billing.top-up', time: T0, data: { amountEur: 10 } }, T0);
    expect(value(set, result.state!, T0, 'topUps')).toBe(10);
  });
});

describe('last', () => {
  const set = featureSet(
    { name: 'dataUsedPct', event: 'usage.data', aggregate: 'last', field: 'pct' },
    { name: 'recentPct', event: 'usage.data', aggregate: 'last', field: 'pct', window: '24h' },
    {
      name: 'roamingNow',
      event: ['network.roaming-attach', 'network.home-attach'],
      aggregate: 'last',
      value: { 'network.roaming-attach': true, 'network.home-attach': false },
    },
    {
      name: 'roamingCountry',
      event: ['network.roaming-attach', 'network.home-attach'],
      aggregate: 'last',
      field: 'country',
      value: { 'network.home-attach': null },
    },
  );

  it('keeps [tag, time, value] and shows the latest value', () => {
    const state = fold(set, [
      ['usage.data', T0, { pct: 40 }],
      ['usage.data', T0 + HOUR, { pct: 81 }],
    ]);
    expect(state.dataUsedPct).toEqual(['last', T0 + HOUR, 81]);
    expect(value(set, state, T0 + 400 * DAY, 'dataUsedPct')).toBe(81);
  });

  it('with a window is null once the last event is a full window old', () => {
    const state = fold(set, [['usage.data', T0, { pct: 81 }]]);
    expect(value(set, state, T0 + 24 * HOUR - 1, 'recentPct')).toBe(81);
    expect(value(set, state, T0 + 24 * HOUR, 'recentPct')).toBeNull();
  });

  it('folds a fixed value per event type, and a field for the others', () => {
    const abroad = fold(set, [['network.roaming-attach', T0, { country: 'US' }]]);
    expect(computeFeatures(set, abroad, T0)).toEqual({ roamingNow: true, roamingCountry: 'US' });
    const home = fold(set, [['network.home-attach', T0 + DAY]], undefined, abroad);
    expect(computeFeatures(set, home, T0 + DAY)).toEqual({ roamingNow: false, roamingCountry: null });
  });

  it('takes an explicit null, and skips objects', () => {
    const state = fold(set, [['usage.data', T0, { pct: null }]]);
    expect(value(set, state, T0, 'dataUsedPct')).toBeNull();
    const nested = foldEvent(set, undefined, { type: 'usage.data', time: T0, data: { pct: { value: 1 } } }, T0);
    expect(nested.skipped.map((s) => s.reason)).toEqual(['FIELD_NOT_SCALAR', 'FIELD_NOT_SCALAR']);
  });
});

describe('distinct', () => {
  const set = featureSet({
    name: 'countries90d',
    event: 'network.roaming-attach',
    aggregate: 'distinct',
    field: 'country',
    window: '90d',
  });

  it('counts distinct values in the window; seeing a value again keeps it in', () => {
    const state = fold(set, [
      ['network.roaming-attach', T0, { country: 'US' }],
      ['network.roaming-attach', T0 + DAY, { country: 'CA' }],
      ['network.roaming-attach', T0 + 2 * DAY, { country: 'US' }],
    ]);
    expect(state.countries90d).toEqual(['distinct:86400000', 'US', T0 / DAY + 2, 'CA', T0 / DAY + 1]);
    expect(value(set, state, T0 + 2 * DAY, 'countries90d')).toBe(2);
    expect(value(set, state, T0 + 91 * DAY, 'countries90d')).toBe(1);
    expect(value(set, state, T0 + 92 * DAY, 'countries90d')).toBe(0);
  });

  it(`remembers at most ${MAX_DISTINCT} values, dropping the least recently seen`, () => {
    const events: Ev[] = Array.from({ length: MAX_DISTINCT + 1 }, (_, i) => [
      'network.roaming-attach',
      T0 + i * HOUR,
      { country: `C${i}` },
    ]);
    // C100 pushes out C0 (first of the least recently seen); C0 coming back then pushes out C1.
    events.push(['network.roaming-attach', T0 + 200 * HOUR, { country: 'C0' }]);
    const state = fold(set, events);
    expect(value(set, state, T0 + 200 * HOUR, 'countries90d')).toBe(MAX_DISTINCT);
    expect(state.countries90d).toContain('C0');
    expect(state.countries90d).not.toContain('C1');
  });
});

describe('timeSince', () => {
  const set = featureSet(
    { name: 'minutesSinceAppOpen', event: 'app.open', aggregate: 'timeSince' },
    { name: 'hoursSinceAppOpen', event: 'app.open', aggregate: 'timeSince', unit: 'h' },
  );

  it('counts whole units (minutes by default) since the last event', () => {
    const state = fold(set, [['app.open', T0]]);
    expect(state.minutesSinceAppOpen).toEqual(['timeSince', T0]);
    expect(computeFeatures(set, state, T0 + 90 * MIN - 1)).toEqual({ minutesSinceAppOpen: 89, hoursSinceAppOpen: 1 });
  });

  it('is not moved back by a late event, and is 0 for an event slightly ahead of the clock', () => {
    const state = fold(
      set,
      [
        ['app.open', T0 + 2 * MIN],
        ['app.open', T0 - 30 * MIN],
      ],
      T0,
    );
    expect(value(set, state, T0, 'minutesSinceAppOpen')).toBe(0);
    expect(value(set, state, T0 + 12 * MIN, 'minutesSinceAppOpen')).toBe(10);
  });
});

describe('feature state', () => {
  const set = featureSet(
    { name: 'care90d', event: 'care.contact', aggregate: 'count', window: '90d' },
    { name: 'pct', event: 'usage.data', aggregate: 'last', field: 'pct' },
  );

  it('is never mutated: folding returns new arrays and shares the untouched ones', () => {
    const before = fold(set, [
      ['care.contact', T0],
      ['usage.data', T0, { pct: 10 }],
    ]);
    const frozen = Object.freeze({ ...before, care90d: Object.freeze([...before.care90d!]) });
    const after = foldEvent(set, frozen, { type: 'care.contact', time: T0 + HOUR, data: {} }, T0 + HOUR).state;
    expect(frozen.care90d).toEqual(['count:86400000', T0 / DAY, 1]);
    expect(after?.care90d).toEqual(['count:86400000', T0 / DAY, 2]);
    expect(after?.pct).toBe(before.pct);
  });

  it('returns the same state when no feature reads the event type', () => {
    const state = fold(set, [['care.contact', T0]]);
    expect(foldEvent(set, state, { type: 'web.visit', time: T0, data: {} }, T0).state).toBe(state);
  });

  it('starts a feature over when its aggregate or bucket changed since the state was written', () => {
    const hourly = featureSet({
      name: 'care90d',
      event: 'care.contact',
      aggregate: 'count',
      window: '7d',
      bucket: '1h',
    });
    const old = fold(hourly, [['care.contact', T0]]);
    expect(computeFeatures(set, old, T0)).toEqual({});
    const state = fold(set, [['care.contact', T0 + HOUR]], undefined, old);
    expect(state.care90d).toEqual(['count:86400000', T0 / DAY, 1]);
  });

  it('drops the state of features no longer declared', () => {
    const state = fold(set, [['care.contact', T0]], undefined, { retired: ['count:86400000', 1, 1] });
    expect(Object.keys(state)).toEqual(['care90d']);
  });

  it('computes only features with state, so profile attributes of other names show through', () => {
    const state = fold(set, [['usage.data', T0, { pct: 81 }]]);
    expect(computeFeatures(set, state, T0)).toEqual({ pct: 81 });
    expect(computeFeatures(set, undefined, T0)).toEqual({});
  });
});

describe('text kept from events', () => {
  const set = featureSet({ name: 'country', event: 'network.roaming-attach', aggregate: 'last', field: 'country' });
  it('a last or distinct feature skips text past 128 characters (it would reach treatments and SMS texts)', () => {
    const attach = (country: string) => ({ type: 'network.roaming-attach', time: T0, data: { country } });
    const long = foldEvent(set, undefined, attach('Q'.repeat(129)), T0);
    expect(long.skipped).toEqual([{ feature: 'country', reason: 'FIELD_TOO_LONG' }]);
    expect(long.state).toBeUndefined();
    const fits = foldEvent(set, undefined, attach('Q'.repeat(128)), T0);
    expect(value(set, fits.state!, T0, 'country')).toBe('Q'.repeat(128));
  });
});
