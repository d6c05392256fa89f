// `arbiter validate <dir>`: loads a config directory and prints every problem, or a summary when it is valid.
import { ConfigError, formatProblems } from '@arbiter/engine';
import { loadConfigDir } from '@arbiter/engine/config-files';

/** Exit code 0 when valid, 1 when the config has problems. */
export async function validateCommand(dir: string, out: (line: string) => void = console.log): Promise<number> {
  try {
    const config = await loadConfigDir(dir);
    const issues = new Set(config.actions.map((a) => a.issue));
    out(
      `${dir}: valid. version ${config.version}: ${config.actions.length} actions, ${issues.size} issues, ` +
        `${config.channels.length} channels, ${config.models.size} model${config.models.size === 1 ? '' : 's'}, ` +
        `${config.sources.features.features.length} features, ${config.triggers.length} triggers`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    out(`${dir}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    out(formatProblems(error.problems));
    return 1;
  }
}
