// The JSONPath subset a condition's `path` may use: `$`, then `.name` and `[index]` steps.

/** A parsed path: its text (for explanations) and its steps as property keys. */
export interface JsonPath {
  readonly text: string;
  readonly steps: readonly string[];
}

const STEP = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/y;

/**
 * Parses `$.a.b`, `$.a[0].b`, `$.a.b[2]` (and `$` alone); anything else returns undefined.
 * Every step then follows an own property only, like jsonpath-plus does for json-rules-engine.
 *
 * @example parseJsonPath('$.plan.addons[0]')?.steps // ['plan', 'addons', '0']
 */
export function parseJsonPath(text: string): JsonPath | undefined {
  if (!text.startsWith('$')) return undefined;
  const steps: string[] = [];
  STEP.lastIndex = 1;
  while (STEP.lastIndex < text.length) {
    const start = STEP.lastIndex;
    const match = STEP.exec(text);
    if (!match || match.index !== start) return undefined;
    steps.push((match[1] ?? match[2]) as string);
  }
  return { text, steps };
}
