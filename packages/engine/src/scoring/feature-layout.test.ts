import { describe, expect, it } from 'vitest';
import { compileFeatureLayout, type ScoringAction } from './feature-layout.js';
import { ModelLoadError } from './model-errors.js';
import type { ModelFeature } from './model-manifest.js';

function layoutOf(...features: ModelFeature[]) {
  return compileFeatureLayout({ id: 'test', features });
}

/** Encodes one decision-sourced feature value into a fresh row; returns the row and the defaulted count. */
function encodeProfile(feature: ModelFeature, value: unknown): { row: number[]; defaulted: number } {
  const layout = layoutOf(feature);
  const row = new Float32Array(layout.width).fill(-9);
  const defaulted = new Float64Array(1);
  const facts = value === undefined ? {} : { [feature.name]: value };
  layout.writeDecisionColumns(facts, { channel: 'web' }, row, 0, defaulted);
  return { row: [...row], defaulted: defaulted[0]! };
}

describe('numeric features', () => {
  const tenure: ModelFeature = {
    source: 'profile',
    name: 'tenureMonths',
    type: 'numeric',
    default: 12,
    scale: 0.5,
    shift: 1,
  };

  it('writes value * scale + shift', () => {
    expect(encodeProfile(tenure, 10)).toEqual({ row: [6], defaulted: 0 });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a numeric string', '10'],
    ['a boolean', true],
  ])('uses the default (in attribute units, then scaled) when the value is %s', (_name, value) => {
    expect(encodeProfile(tenure, value)).toEqual({ row: [12 * 0.5 + 1], defaulted: 1 });
  });

  it('defaults to 0, scale 1 and shift 0', () => {
    const plain: ModelFeature = { source: 'profile', name: 'arpu', type: 'numeric' };
    expect(encodeProfile(plain, 42.5).row).toEqual([42.5]);
    expect(encodeProfile(plain, undefined).row).toEqual([0]);
  });
});

describe('boolean features', () => {
  const roaming: ModelFeature = { source: 'profile', name: 'roamingNow', type: 'boolean', default: 1 };

  it.each([
    [true, 1],
    [false, 0],
    [1, 1],
    [0, 0],
  ])('encodes %s as %s', (value, expected) => {
    expect(encodeProfile(roaming, value)).toEqual({ row: [expected], defaulted: 0 });
  });

  it.each([
    ['missing', undefined],
    ['a string', 'true'],
    ['another number', 2],
    ['null', null],
  ])('uses the default when %s', (_name, value) => {
    expect(encodeProfile(roaming, value)).toEqual({ row: [1], defaulted: 1 });
  });
});

describe('categorical features', () => {
  const segment: ModelFeature = {
    source: 'profile',
    name: 'segment',
    type: 'categorical',
    categories: ['consumer', 'youth', 'family'],
  };

  it('writes one column per category, one-hot', () => {
    expect(encodeProfile(segment, 'youth')).toEqual({ row: [0, 1, 0], defaulted: 0 });
    expect(encodeProfile(segment, 'family').row).toEqual([0, 0, 1]);
  });

  it.each([
    ['unknown', 'business'],
    ['missing', undefined],
    ['not a string', 1],
    ['differently cased', 'Youth'],
  ])('writes all zeros when %s', (_name, value) => {
    expect(encodeProfile(segment, value)).toEqual({ row: [0, 0, 0], defaulted: 1 });
  });

  it('names a column per category', () => {
    expect(layoutOf(segment).columns).toEqual([
      'profile.segment=consumer',
      'profile.segment=youth',
      'profile.segment=family',
    ]);
  });
});

describe('sources', () => {
  it('reads the decision channel and the request context', () => {
    const layout = layoutOf(
      { source: 'context', name: 'channel', type: 'categorical', categories: ['web', 'app'] },
      { source: 'context', name: 'page', type: 'categorical', categories: ['home', 'billing'] },
      { source: 'context', name: 'cart.items', type: 'numeric' },
    );
    const row = new Float32Array(layout.width);
    // The decision's channel wins over a context field of the same name.
    const context = { channel: 'web', page: 'billing', cart: { items: 3 } };
    layout.writeDecisionColumns({}, { channel: 'app', context }, row, 0);
    expect([...row]).toEqual([0, 1, 0, 1, 3]);
  });

  it('reads nested profile fields with a dotted name', () => {
    const layout = layoutOf({ source: 'profile', name: 'consent.sms', type: 'boolean' });
    const row = new Float32Array(1);
    layout.writeDecisionColumns({ consent: { sms: true } }, { channel: 'sms' }, row, 0);
    expect(row[0]).toBe(1);
  });

  it('reads action fields and attributes, and names the ones that used their default', () => {
    const layout = layoutOf(
      { source: 'action', name: 'issue', type: 'categorical', categories: ['Growth', 'Care'] },
      { source: 'action', name: 'value', type: 'numeric' },
      { source: 'action', name: 'attributes.price', type: 'numeric', default: 7 },
      { source: 'action', name: 'attributes.bundle.gb', type: 'numeric' },
    );
    const action: ScoringAction = { id: 'x', issue: 'Care', value: 12, attributes: { bundle: { gb: 5 } } };
    const row = new Float32Array(layout.width);
    expect(layout.writeActionColumns(action, row, 0)).toEqual(['action.attributes.price']);
    expect([...row]).toEqual([0, 1, 12, 7, 5]);
  });

  it('refuses an action feature that reads a field actions do not have', () => {
    const compile = () => layoutOf({ source: 'action', name: 'price', type: 'numeric' });
    expect(compile).toThrow(ModelLoadError);
    expect(compile).toThrow(/features\/0\/name.*attributes\.<name>/);
  });

  it('keeps decision and action columns apart, in manifest order', () => {
    const layout = layoutOf(
      { source: 'profile', name: 'a', type: 'numeric' },
      { source: 'action', name: 'issue', type: 'categorical', categories: ['Growth', 'Care'] },
      { source: 'context', name: 'channel', type: 'categorical', categories: ['web', 'app'] },
    );
    expect(layout.width).toBe(5);
    expect([...layout.decisionColumns]).toEqual([0, 3, 4]);
    expect([...layout.actionColumns]).toEqual([1, 2]);
    expect([...layout.columnFeature]).toEqual([0, 1, 1, 2, 2]);
  });

  it('writes at an offset and leaves the other columns alone', () => {
    const layout = layoutOf(
      { source: 'profile', name: 'a', type: 'numeric' },
      { source: 'action', name: 'value', type: 'numeric' },
    );
    const rows = new Float32Array(4).fill(-1);
    layout.writeDecisionColumns({ a: 5 }, { channel: 'web' }, rows, 2);
    expect([...rows]).toEqual([-1, -1, 5, -1]);
  });
});
