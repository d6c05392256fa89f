// Loads a config directory (YAML or JSON analyst files, and the model files they name) into a snapshot.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

// Re-exported so other file kinds (the server's import mappings) are validated and reported the same way.
export { pointer, validateFile } from './validate-file.js';

import { errorMessage } from '../error-message.js';
import { type BuildConfigOptions, buildConfig, type ConfigInput, type ConfigSource } from './build-config.js';
import { ConfigError, type ConfigProblem } from './config-problem.js';
import type { ConfigSnapshot } from './config-snapshot.js';

/** The file kinds of a config directory; each may be `.yaml`, `.yml` or `.json`. */
const KINDS = [
  { key: 'actions', name: 'actions', required: true },
  { key: 'eligibility', name: 'eligibility', required: false },
  { key: 'contactPolicy', name: 'contact-policy', required: true },
  { key: 'arbitration', name: 'arbitration', required: true },
  { key: 'models', name: 'models', required: false },
  { key: 'features', name: 'features', required: false },
  { key: 'triggers', name: 'triggers', required: false },
  { key: 'campaigns', name: 'campaigns', required: false },
] as const;

/**
 * Reads, validates and compiles every file in `dir`; throws a ConfigError listing every problem at once.
 * @example const config = await loadConfigDir('rules');
 */
export async function loadConfigDir(dir: string, options: BuildConfigOptions = {}): Promise<ConfigSnapshot> {
  return buildConfig(await readConfigDir(dir), options);
}

/** Reads and parses the files of `dir` (and the model files they name) without compiling them. */
export async function readConfigDir(dir: string): Promise<ConfigInput> {
  const problems: ConfigProblem[] = [];
  const sources: Partial<Record<(typeof KINDS)[number]['key'], ConfigSource>> = {};
  for (const kind of KINDS) {
    const found = await readFirst(dir, kind.name);
    if (!found) {
      if (kind.required) {
        problems.push({
          file: `${kind.name}.yaml`,
          path: '',
          code: 'CONFIG_FILE_MISSING',
          message: `no ${kind.name}.yaml, .yml or .json in ${dir}`,
        });
      }
      continue;
    }
    const parsed = parseText(found.file, found.text);
    problems.push(...parsed.problems);
    sources[kind.key] = { file: found.file, data: parsed.data };
  }
  if (problems.length > 0 || !sources.actions || !sources.contactPolicy || !sources.arbitration) {
    throw new ConfigError(problems);
  }
  const modelFiles = await readModelFiles(dir, sources.models, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const input: ConfigInput = {
    actions: sources.actions,
    contactPolicy: sources.contactPolicy,
    arbitration: sources.arbitration,
    modelFiles,
  };
  if (sources.eligibility) input.eligibility = sources.eligibility;
  if (sources.models) input.models = sources.models;
  if (sources.features) input.features = sources.features;
  if (sources.triggers) input.triggers = sources.triggers;
  if (sources.campaigns) input.campaigns = sources.campaigns;
  return input;
}

async function readFirst(dir: string, name: string): Promise<{ file: string; text: string } | undefined> {
  for (const ext of ['.yaml', '.yml', '.json']) {
    try {
      return { file: `${name}${ext}`, text: await readFile(join(dir, `${name}${ext}`), 'utf8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}

/** YAML (a superset of JSON) with duplicate keys and syntax errors reported as problems with their line. */
export function parseText(file: string, text: string): { data: unknown; problems: ConfigProblem[] } {
  // The yaml parser recurses: a block nested a few thousand levels deep overflows the stack in it, and an alias
  // chain that expands past its limit throws from toJS(). Both are a problem with the file, not a crash.
  const unparsable = (error: unknown) => ({
    data: undefined,
    problems: [{ file, path: '', code: 'CONFIG_PARSE', message: `the file cannot be read: ${errorMessage(error)}` }],
  });
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true });
  } catch (error) {
    return unparsable(error);
  }
  const problems = doc.errors.map((error) => ({
    file,
    path: '',
    code: 'CONFIG_PARSE',
    message: `line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`,
  }));
  if (problems.length > 0) return { data: undefined, problems };
  try {
    return { data: doc.toJS(), problems };
  } catch (error) {
    return unparsable(error);
  }
}

/** The largest model file the loader reads: far above any model the compiled runtime takes (8,192 MACs a row). */
export const MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Bytes of every model file the models file names, keyed as written; a missing one is reported by the build. A
 * path that is not a regular file (a directory, /dev/zero) or is larger than MAX_MODEL_FILE_BYTES is a problem,
 * not a read: /dev/zero would be read until memory ran out.
 */
async function readModelFiles(
  dir: string,
  models: ConfigSource | undefined,
  problems: ConfigProblem[],
): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const list = (models?.data as { models?: unknown } | undefined)?.models;
  if (!models || !Array.isArray(list)) return files;
  for (let i = 0; i < list.length; i++) {
    const file = (list[i] as { file?: unknown } | undefined)?.file;
    if (typeof file !== 'string' || file in files) continue;
    const refuse = (message: string) =>
      problems.push({ file: models.file, path: `/models/${i}/file`, code: 'MODEL_FILE_INVALID', message });
    try {
      const path = resolve(dir, file);
      const info = await stat(path);
      if (!info.isFile()) refuse(`model file "${file}" is not a regular file`);
      else if (info.size > MAX_MODEL_FILE_BYTES) {
        refuse(
          `model file "${file}" has ${info.size} bytes, more than the ${MAX_MODEL_FILE_BYTES} a model file may have`,
        );
      } else files[file] = new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') refuse(`model file "${file}": ${errorMessage(error)}`);
    }
  }
  return files;
}
