// The features file kind of a config load: schema, then the checks and compilation of compileFeatures.
import type { ConfigProblem } from '../config/config-problem.js';
import { validateFile } from '../config/validate-file.js';
import { compileFeatures } from './compile-features.js';
import type { FeatureSet } from './feature-set.js';
import { type FeaturesFile, FeaturesFileSchema } from './features-schema.js';

/**
 * Validates and compiles a parsed features file; every problem names the file and the path inside it.
 * `set` and `value` are undefined when there is any problem. A broken feature does not hide the others' problems.
 */
export function checkFeaturesFile(
  file: string,
  data: unknown,
): { set: FeatureSet | undefined; value: FeaturesFile | undefined; problems: ConfigProblem[] } {
  const checked = validateFile<FeaturesFile>(FeaturesFileSchema, file, data);
  const problems: ConfigProblem[] = [...checked.problems];
  const broken = new Set<number>();
  // A bound with a schema problem is already reported: check the rest against the default in its place.
  const partial = { ...checked.partial };
  for (const problem of checked.problems) {
    const match = /^\/features\/(\d+)(\/|$)/.exec(problem.path);
    if (match) broken.add(Number(match[1]));
    else if (problem.path === '/lateness') partial.lateness = '1h';
    else if (problem.path === '/clockSkew') partial.clockSkew = '5m';
    else return { set: undefined, value: undefined, problems };
  }
  const compiled = compileFeatures(partial, broken);
  for (const p of compiled.problems) problems.push({ file, ...p });
  if (problems.length > 0) return { set: undefined, value: undefined, problems };
  return { set: compiled.set, value: checked.value, problems };
}
