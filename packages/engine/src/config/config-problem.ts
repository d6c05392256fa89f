// A problem found while loading config: which file, where inside it, and why. Every load reports all of them at once.

/** One problem in one analyst file. `path` is a JSON pointer inside the file (`/actions/3/eligibility/all/0/operator`). */
export interface ConfigProblem {
  file: string;
  path: string;
  code: string;
  message: string;
}

/** Thrown by config loading (never while deciding) when any file has a problem; carries every problem found. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`config has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** One line a problem, in the form analysts read in `arbiter validate`: `file:/path  CODE  message`. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.file}:${p.path || '/'}  ${p.code}  ${p.message}`).join('\n');
}
