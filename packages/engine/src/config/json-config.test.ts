// Analysts may write JSON instead of YAML: the same content loads to the same config version.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigDir } from './load-files.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('JSON config files', () => {
  it('load like YAML ones, with the same content hash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'arbiter-json-'));
    try {
      await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
      await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
      for (const name of ['actions', 'arbitration']) {
        const yaml = join(root, 'rules', `${name}.yaml`);
        await writeFile(
          join(root, 'rules', `${name}.json`),
          JSON.stringify(parse(await readFile(yaml, 'utf8')), null, 2),
        );
        await rm(yaml);
      }
      const fromJson = await loadConfigDir(join(root, 'rules'));
      const fromYaml = await loadConfigDir(join(ROOT, 'rules'));
      expect(fromJson.files).toContain('actions.json');
      expect(fromJson.version).toBe(fromYaml.version);
      expect(fromJson.actions.map((a) => a.id)).toEqual(fromYaml.actions.map((a) => a.id));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
