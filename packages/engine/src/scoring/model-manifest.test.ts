import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ModelLoadError } from './model-errors.js';
import { ModelsFileSchema, parseModelManifest } from './model-manifest.js';

const EXAMPLE = `
models:
  - id: offer-acceptance
    file: ../models/offer-acceptance.onnx
    input: features
    output: propensity
    features:
      - { source: profile, name: tenureMonths, type: numeric, default: 0, scale: 0.0139 }
      - { source: profile, name: roamingNow, type: boolean, default: 0 }
      - { source: profile, name: segment, type: categorical, categories: [consumer, youth, family, senior, business] }
      - { source: context, name: channel, type: categorical, categories: [web, app, agent, sms, email, push] }
      - { source: action, name: issue, type: categorical, categories: [Retention, Growth, Roaming, Devices, Care] }
      - { source: action, name: attributes.price, type: numeric, default: 0 }
`;

function manifestWith(patch: Record<string, unknown>): unknown {
  const manifest = parse(EXAMPLE).models[0];
  return { ...manifest, ...patch };
}

function errorOf(value: unknown): ModelLoadError {
  try {
    parseModelManifest(value);
  } catch (error) {
    if (error instanceof ModelLoadError) return error;
    throw error;
  }
  throw new Error('expected a ModelLoadError');
}

describe('model manifest schema', () => {
  it('accepts the documented example and applies defaults', () => {
    expect(Value.Check(ModelsFileSchema, parse(EXAMPLE))).toBe(true);
    const manifest = parseModelManifest(parse(EXAMPLE).models[0]);
    expect(manifest.outputColumn).toBe(0);
    expect(manifest.features).toHaveLength(6);
  });

  it.each([
    ['an unknown feature type', { features: [{ source: 'profile', name: 'x', type: 'text' }] }, '/features/0/type'],
    ['an unknown source', { features: [{ source: 'event', name: 'x', type: 'numeric' }] }, '/features/0/source'],
    [
      'a categorical without categories',
      { features: [{ source: 'profile', name: 'x', type: 'categorical' }] },
      '/features/0/categories',
    ],
    [
      'repeated categories',
      { features: [{ source: 'profile', name: 'x', type: 'categorical', categories: ['a', 'a'] }] },
      '/features/0/categories',
    ],
    [
      'a boolean default of 2',
      { features: [{ source: 'profile', name: 'x', type: 'boolean', default: 2 }] },
      '/features/0/default',
    ],
    [
      'a typo in a feature field',
      { features: [{ source: 'profile', name: 'x', type: 'numeric', scael: 2 }] },
      '/features/0/scael',
    ],
    ['an empty feature list', { features: [] }, '/features'],
    ['a malformed sha256', { sha256: 'abc' }, '/sha256'],
    ['an uppercase id', { id: 'Offer' }, '/id'],
    ['a negative outputColumn', { outputColumn: -1 }, '/outputColumn'],
    ['an unknown manifest field', { inputs: 'x' }, '/inputs'],
  ])('refuses %s (MODEL_MANIFEST_INVALID at the path)', (_name, patch, path) => {
    const error = errorOf(manifestWith(patch));
    expect(error.code).toBe('MODEL_MANIFEST_INVALID');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('does not change its input', () => {
    const input = manifestWith({});
    const before = JSON.stringify(input);
    parseModelManifest(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});
