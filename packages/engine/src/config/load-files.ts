// Loads a config directory (YAML or JSON analyst files, and the model files they name) into a snapshot.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';

// Re-exported so other file kinds (the server's import mappings) are validated and reported the same way.
export { pointer, validateFile } from './validate-file.js';

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
  const modelFiles = await readModelFiles(dir, sources.models?.data);
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
  const doc = parseDocument(text, { uniqueKeys: true });
  const problems = doc.errors.map((error) => ({
    file,
    path: '',
    code: 'CONFIG_PARSE',
    message: `line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`,
  }));
  return { data: problems.length === 0 ? doc.toJS() : undefined, problems };
}

/** Bytes of every model file the models file names, keyed as written; a missing one is reported by the build. */
async function readModelFiles(dir: string, models: unknown): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  const list = (models as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(list)) return files;
  for (const entry of list) {
    const file = (entry as { file?: unknown } | undefined)?.file;
    if (typeof file !== 'string' || file in files) continue;
    try {
      files[file] = new Uint8Array(await readFile(resolve(dir, file)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}
