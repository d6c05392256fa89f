// Reads a mapping file (YAML or JSON) and compiles it; throws a ConfigError with every problem, like rules files.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConfigError } from '@arbiter/engine';
import { parseText } from '@arbiter/engine/config-files';
import { compileMapping, type Mapping } from './compile-mapping.js';

/**
 * Loads, validates and compiles a mapping file. Problems name the file by its base name, as `arbiter validate` does.
 * @example const mapping = await loadMapping('examples/mappings/telco-churn.yaml');
 */
export async function loadMapping(path: string): Promise<Mapping> {
  const file = basename(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([{ file, path: '', code: 'MAPPING_FILE_MISSING', message: `${path}: ${reason}` }]);
  }
  return parseMapping(file, text);
}

/** The same from text already in memory (YAML is a superset of JSON). */
export function parseMapping(file: string, text: string): Mapping {
  const parsed = parseText(file, text);
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  const { mapping, problems } = compileMapping(file, parsed.data);
  if (!mapping) throw new ConfigError(problems);
  return mapping;
}
