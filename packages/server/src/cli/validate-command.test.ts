// `arbiter validate`: a summary (campaigns included) and exit 0 on the demo playbook; every problem and exit 1 on a
// broken copy.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateCommand } from './validate-command.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('arbiter validate', () => {
  it('accepts the demo playbook', async () => {
    const lines: string[] = [];
    expect(await validateCommand(join(ROOT, 'rules'), (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(
      /valid\. version [0-9a-f]{16}: \d+ actions, 5 issues, 6 channels, 1 model, \d+ features, 3 triggers, 3 campaigns/,
    );
    expect(lines).toContain(
      '  model offer-acceptance: compiled (Gemm, Relu, Gemm, Sigmoid), checked against onnxruntime',
    );
  });

  it('says when a model runs on onnxruntime, and why', async () => {
    const { code, lines } = await validateEditedCopy('models.yaml', (text) =>
      text.replace(/^(\s+)input: features$/m, '$1input: features\n$1runtime: onnxruntime'),
    );
    expect(code).toBe(0);
    expect(lines).toContain('  model offer-acceptance: onnxruntime (the manifest asks for onnxruntime)');
  });

  it('prints file, path, code and reason for each problem of a broken copy, and exits 1', async () => {
    const { code, lines } = await validateEditedCopy('actions.yaml', (text) =>
      text.replace('operator: equal,', 'operator: equalz,').replace(/issue: Roaming\n/, 'issue: Roam\n'),
    );
    expect(code).toBe(1);
    const output = lines.join('\n');
    expect(output).toMatch(/2 problems/);
    expect(output).toMatch(
      /actions\.yaml:\/actions\/\d+\/eligibility\/\S*operator {2}RULE_UNKNOWN_OPERATOR {2}unknown operator 'equalz'/,
    );
    expect(output).toMatch(/actions\.yaml:\/actions\/\d+\/issue {2}CONFIG_UNKNOWN_REFERENCE {2}unknown issue "Roam"/);
  });
});

/** `arbiter validate` on a temporary copy of rules/ (and models/) with one rules file edited: its exit code and lines. */
async function validateEditedCopy(
  file: string,
  edit: (text: string) => string,
): Promise<{ code: number; lines: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'arbiter-validate-'));
  try {
    await cp(join(ROOT, 'rules'), join(root, 'rules'), { recursive: true });
    await cp(join(ROOT, 'models'), join(root, 'models'), { recursive: true });
    const path = join(root, 'rules', file);
    await writeFile(path, edit(await readFile(path, 'utf8')));
    const lines: string[] = [];
    const code = await validateCommand(join(root, 'rules'), (l) => lines.push(l));
    return { code, lines };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
