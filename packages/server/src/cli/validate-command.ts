// `arbiter validate <dir>`: loads a config directory and prints every problem, or a summary when it is valid.
import { ConfigError, formatProblems } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

/** `3 triggers`, `1 model`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Exit code 0 when valid, 1 when the config has problems. */
export async function validateCommand(dir: string, out: (line: string) => void = console.log): Promise<number> {
  try {
    const config = await loadConfigDir(dir);
    const issues = new Set(config.actions.map((a) => a.issue));
    out(
      `${dir}: valid. version ${config.version}: ${count(config.actions.length, 'action')}, ` +
        `${count(issues.size, 'issue')}, ${count(config.channels.length, 'channel')}, ` +
        `${count(config.models.size, 'model')}, ${count(config.sources.features.features.length, 'feature')}, ` +
        `${count(config.triggers.length, 'trigger')}, ${count(config.campaigns.length, 'campaign')}`,
    );
    for (const [id, model] of config.models) {
      const { runtime } = model;
      out(
        runtime.kind === 'compiled'
          ? `  model ${id}: compiled (${runtime.ops.join(', ')}), checked against onnxruntime`
          : `  model ${id}: onnxruntime (${runtime.reason})`,
      );
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out(`${dir}: ${count(error.problems.length, 'problem')}`);
    out(formatProblems(error.problems));
    return 1;
  }
}
