// The features file: default buckets, bounds, and every problem with its path for bad feature files.
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../config/build-config.js';
import { ConfigError, type ConfigProblem } from '../config/config-problem.js';
import { buildTestConfig } from '../decision/test-config.js';
import { checkFeaturesFile } from './check-features-file.js';
import { compileFeatures, defaultBucket } from './compile-features.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

function problemsOf(data: unknown): ConfigProblem[] {
  return checkFeaturesFile('features.yaml', data).problems;
}
const one = (feature: Record<string, unknown>) => problemsOf({ features: [feature] });
const care = { name: 'care90d', event: 'care.contact', aggregate: 'count', window: '90d' };

/** The decision tests' config files, without a features file. */
async function testInput() {
  const good = await buildTestConfig();
  return {
    actions: { file: 'actions.yaml', data: { actions: good.sources.actions } },
    eligibility: { file: 'eligibility.yaml', data: good.sources.eligibility },
    contactPolicy: { file: 'contact-policy.yaml', data: good.sources.contactPolicy },
    arbitration: { file: 'arbitration.yaml', data: good.sources.arbitration },
  };
}

describe('compileFeatures', () => {
  it('compiles windows into buckets, indexes features by event type, and applies the default bounds', () => {
    const checked = checkFeaturesFile('features.yaml', {
      features: [
        care,
        {
          name: 'roamingNow',
          event: ['network.roaming-attach', 'network.home-attach'],
          aggregate: 'last',
          value: { 'network.roaming-attach': true, 'network.home-attach': false },
        },
      ],
    });
    expect(checked.problems).toEqual([]);
    const set = checked.set!;
    expect(set.latenessMs).toBe(HOUR);
    expect(set.clockSkewMs).toBe(5 * 60_000);
    expect(set.features[0]).toMatchObject({ windowMs: 90 * DAY, bucketMs: DAY, buckets: 90, tag: 'count:86400000' });
    expect(set.byEvent.get('network.home-attach')?.map((f) => f.name)).toEqual(['roamingNow']);
    expect(checked.value?.lateness).toBe('1h');
  });

  it('picks a default bucket that splits the window evenly into 6 to 1,000 buckets', () => {
    expect(defaultBucket(90 * DAY)).toBe(DAY);
    expect(defaultBucket(7 * DAY)).toBe(DAY);
    expect(defaultBucket(2 * DAY)).toBe(HOUR);
    expect(defaultBucket(24 * HOUR)).toBe(HOUR);
    expect(defaultBucket(HOUR)).toBe(60_000);
    expect(defaultBucket(90 * 1000)).toBe(1000);
    expect(defaultBucket(1500)).toBeUndefined();
  });

  it('accepts an empty or absent features list', () => {
    expect(compileFeatures({ lateness: '1h', clockSkew: '5m', features: [] }).problems).toEqual([]);
    expect(problemsOf({})).toEqual([]);
  });
});

describe('features.yaml problems', () => {
  it.each([
    ['a name that is not a fact name', { ...care, name: 'care-90d' }, '/features/0/name', 'FEATURE_INVALID_NAME'],
    ['the reserved state key', { ...care, name: '_features' }, '/features/0/name', 'FEATURE_INVALID_NAME'],
    ['a fact the decision sets', { ...care, name: 'channel' }, '/features/0/name', 'FEATURE_INVALID_NAME'],
    ['an unknown aggregate', { ...care, aggregate: 'average' }, '/features/0/aggregate', 'FEATURE_UNKNOWN_AGGREGATE'],
    ['a window that is no duration', { ...care, window: '90 days' }, '/features/0/window', 'FEATURE_INVALID_DURATION'],
    ['a zero window', { ...care, window: '0d' }, '/features/0/window', 'FEATURE_INVALID_DURATION'],
    [
      'a bucket that does not divide the window',
      { ...care, bucket: '7d' },
      '/features/0/bucket',
      'FEATURE_INVALID_BUCKET',
    ],
    [
      'a bucket larger than the window',
      { ...care, window: '1h', bucket: '1d' },
      '/features/0/bucket',
      'FEATURE_INVALID_BUCKET',
    ],
    ['too many buckets', { ...care, bucket: '1m' }, '/features/0/bucket', 'FEATURE_INVALID_BUCKET'],
    ['no default bucket fits', { ...care, window: '1500ms' }, '/features/0/window', 'FEATURE_INVALID_BUCKET'],
    [
      'a bucket without a window',
      { name: 'n', event: 'e', aggregate: 'count', bucket: '1h' },
      '/features/0/bucket',
      'FEATURE_OPTION_NOT_APPLICABLE',
    ],
    ['a field on count', { ...care, field: 'x' }, '/features/0/field', 'FEATURE_OPTION_NOT_APPLICABLE'],
    [
      'a value map on sum',
      { name: 'n', event: 'e', aggregate: 'sum', field: 'x', value: { e: 1 } },
      '/features/0/value',
      'FEATURE_OPTION_NOT_APPLICABLE',
    ],
    [
      'a window on timeSince',
      { name: 'n', event: 'e', aggregate: 'timeSince', window: '1h' },
      '/features/0/window',
      'FEATURE_OPTION_NOT_APPLICABLE',
    ],
    [
      'a bucket on last',
      { name: 'n', event: 'e', aggregate: 'last', field: 'x', window: '1d', bucket: '1h' },
      '/features/0/bucket',
      'FEATURE_OPTION_NOT_APPLICABLE',
    ],
    ['a unit on count', { ...care, unit: 'h' }, '/features/0/unit', 'FEATURE_OPTION_NOT_APPLICABLE'],
    [
      'an unknown unit',
      { name: 'n', event: 'e', aggregate: 'timeSince', unit: 'weeks' },
      '/features/0/unit',
      'FEATURE_INVALID_UNIT',
    ],
    [
      'sum without a field',
      { name: 'n', event: 'e', aggregate: 'sum', window: '1d' },
      '/features/0',
      'FEATURE_MISSING_FIELD',
    ],
    [
      'last without field or value',
      { name: 'n', event: 'e', aggregate: 'last' },
      '/features/0',
      'FEATURE_MISSING_FIELD',
    ],
    [
      'a bad field path',
      { name: 'n', event: 'e', aggregate: 'max', field: 'a..b' },
      '/features/0/field',
      'FEATURE_INVALID_FIELD',
    ],
    [
      'a value for another event type',
      { name: 'n', event: 'a', aggregate: 'last', value: { 'b/c': 1 } },
      '/features/0/value/b~1c',
      'FEATURE_UNKNOWN_EVENT',
    ],
    ['a missing event', { name: 'n', aggregate: 'count' }, '/features/0/event', 'CONFIG_SCHEMA'],
    ['a typo in an option', { ...care, windw: '7d' }, '/features/0/windw', 'CONFIG_UNKNOWN_FIELD'],
  ])('%s', (_, feature, path, code) => {
    expect(one(feature)).toContainEqual(expect.objectContaining({ file: 'features.yaml', path, code }));
  });

  it('reports duplicate names, bad bounds and every broken feature in one pass', () => {
    const problems = problemsOf({
      lateness: 'an hour',
      clockSkew: 5,
      features: [care, { ...care, window: 'forever' }, { ...care, name: 'care7d', event: 7 }, care],
    });
    expect(problems.map((p) => `${p.path} ${p.code}`)).toEqual([
      '/clockSkew CONFIG_SCHEMA',
      '/features/2/event CONFIG_SCHEMA',
      '/lateness FEATURE_INVALID_DURATION',
      '/features/1/name FEATURE_DUPLICATE_NAME',
      '/features/1/window FEATURE_INVALID_DURATION',
      '/features/3/name FEATURE_DUPLICATE_NAME',
    ]);
  });

  it('fails the whole config load, beside the other files, naming features.yaml', async () => {
    const input = await testInput();
    const error = await buildConfig({
      ...input,
      features: { file: 'features.yml', data: { features: [{ ...care, aggregate: 'mean' }] } },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({
        file: 'features.yml',
        path: '/features/0/aggregate',
        code: 'FEATURE_UNKNOWN_AGGREGATE',
      }),
    ]);
  });

  it('changes the config version only when a features file is given', async () => {
    const input = await testInput();
    const without = await buildConfig(input);
    const withFeatures = await buildConfig({
      ...input,
      features: { file: 'features.yaml', data: { features: [care] } },
    });
    expect(without.features.features).toEqual([]);
    expect(withFeatures.features.features.map((f) => f.name)).toEqual(['care90d']);
    expect(withFeatures.version).not.toBe(without.version);
    expect(withFeatures.files).toContain('features.yaml');
    expect(Object.isFrozen(withFeatures.sources.features.features[0])).toBe(true);
  });
});
