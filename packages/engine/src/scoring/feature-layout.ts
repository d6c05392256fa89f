// Compiles a manifest's features into column writers: action columns once per action, decision columns per decision.
import { ModelLoadError } from './model-errors.js';
import { ACTION_FEATURE_FIELDS, type ModelFeature, type ModelManifest } from './model-manifest.js';

/** The action fields a model can read. Any engine action type with these fields fits. */
export interface ScoringAction {
  readonly id: string;
  readonly issue?: string;
  readonly group?: string;
  readonly value?: number;
  readonly kind?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** What `source: context` features read: the decision's channel and the request's context object. */
export interface ScoringContext {
  readonly channel: string;
  readonly context?: Readonly<Record<string, unknown>> | undefined;
}

/** Profile attributes as facts (the flat record of docs/contracts.md); any object, so typed profiles fit as is. */
export type ScoringFacts = object;

/** Writes one feature's value at `offset`; returns false when the default was used (missing, NaN, wrong type). */
type ColumnWriter = (value: unknown, row: Float32Array, offset: number) => boolean;
type DecisionReader = (facts: ScoringFacts, ctx: ScoringContext) => unknown;
type ActionReader = (action: ScoringAction) => unknown;

interface CompiledFeature {
  readonly column: number;
  readonly write: ColumnWriter;
}

/** A manifest compiled once: its width, column names, and writers for the two kinds of columns. */
export interface FeatureLayout {
  /** Encoded width F: one column per numeric or boolean feature, one per category of a categorical feature. */
  readonly width: number;
  /** A name per column, e.g. `profile.tenureMonths`, `profile.segment=youth` (for explanations). */
  readonly columns: readonly string[];
  /** For each column, the index of the manifest feature it comes from. */
  readonly columnFeature: Int32Array;
  /** The columns that vary per decision (profile and context sources), ascending. */
  readonly decisionColumns: Int32Array;
  /** The columns fixed per action (action source), ascending. */
  readonly actionColumns: Int32Array;
  /**
   * Writes the profile and context columns into `row` (at `offset`, other columns untouched).
   * Increments `defaulted[featureIndex]` for each feature that fell back to its default, when given.
   */
  writeDecisionColumns(
    facts: ScoringFacts,
    ctx: ScoringContext,
    row: Float32Array,
    offset: number,
    defaulted?: Float64Array,
  ): void;
  /** Writes the action columns (other columns untouched); returns the names of the features that used their default. */
  writeActionColumns(action: ScoringAction, row: Float32Array, offset: number): string[];
}

function readPath(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function decisionReader(feature: ModelFeature): DecisionReader {
  const path = feature.name.split('.');
  const head = path[0]!;
  if (feature.source === 'context') {
    if (feature.name === 'channel') return (_facts, ctx) => ctx.channel;
    if (path.length === 1) return (_facts, ctx) => ctx.context?.[head];
    return (_facts, ctx) => readPath(ctx.context, path);
  }
  // Most profile attributes are flat: a single property read is the hot path.
  if (path.length === 1) return (facts) => (facts as Record<string, unknown>)[head];
  return (facts) => readPath(facts, path);
}

function actionReader(feature: ModelFeature, model: string, index: number): ActionReader {
  const name = feature.name;
  if (name.startsWith('attributes.') && name.length > 'attributes.'.length) {
    const path = name.slice('attributes.'.length).split('.');
    return (action) => readPath(action.attributes, path);
  }
  if (!ACTION_FEATURE_FIELDS.includes(name)) {
    throw new ModelLoadError('MODEL_MANIFEST_INVALID', {
      model,
      path: `/features/${index}/name`,
      reason: `an action feature reads one of ${ACTION_FEATURE_FIELDS.join(', ')} or attributes.<name>, not "${name}"`,
    });
  }
  return (action) => (action as unknown as Record<string, unknown>)[name];
}

function columnWriter(feature: ModelFeature): ColumnWriter {
  switch (feature.type) {
    case 'numeric': {
      const scale = feature.scale ?? 1;
      const shift = feature.shift ?? 0;
      const fallback = (feature.default ?? 0) * scale + shift;
      return (value, row, offset) => {
        if (typeof value === 'number' && Number.isFinite(value)) {
          row[offset] = value * scale + shift;
          return true;
        }
        row[offset] = fallback;
        return false;
      };
    }
    case 'boolean': {
      const fallback = feature.default ?? 0;
      return (value, row, offset) => {
        if (value === true || value === 1) row[offset] = 1;
        else if (value === false || value === 0) row[offset] = 0;
        else {
          row[offset] = fallback;
          return false;
        }
        return true;
      };
    }
    case 'categorical': {
      const index = new Map(feature.categories.map((c, i) => [c, i]));
      const n = feature.categories.length;
      return (value, row, offset) => {
        for (let i = 0; i < n; i++) row[offset + i] = 0;
        const hit = typeof value === 'string' ? index.get(value) : undefined;
        if (hit === undefined) return false;
        row[offset + hit] = 1;
        return true;
      };
    }
  }
}

function featureWidth(feature: ModelFeature): number {
  return feature.type === 'categorical' ? feature.categories.length : 1;
}

/**
 * Compiles a manifest's features into a layout. Throws MODEL_MANIFEST_INVALID for an action feature that reads
 * an unknown action field.
 * @example
 * const layout = compileFeatureLayout(manifest);
 * const row = new Float32Array(layout.width);
 * layout.writeActionColumns(action, row, 0);
 * layout.writeDecisionColumns(profile, { channel: 'app' }, row, 0);
 */
export function compileFeatureLayout(manifest: Pick<ModelManifest, 'id' | 'features'>): FeatureLayout {
  const decision: (CompiledFeature & { readonly read: DecisionReader; readonly feature: number })[] = [];
  const action: (CompiledFeature & { readonly read: ActionReader; readonly name: string })[] = [];
  const columns: string[] = [];
  const columnFeature: number[] = [];
  const decisionColumns: number[] = [];
  const actionColumns: number[] = [];

  manifest.features.forEach((feature, i) => {
    const column = columns.length;
    const width = featureWidth(feature);
    const base = `${feature.source}.${feature.name}`;
    for (let c = 0; c < width; c++) {
      columns.push(feature.type === 'categorical' ? `${base}=${feature.categories[c]}` : base);
      columnFeature.push(i);
      (feature.source === 'action' ? actionColumns : decisionColumns).push(column + c);
    }
    const write = columnWriter(feature);
    if (feature.source === 'action')
      action.push({ column, write, read: actionReader(feature, manifest.id, i), name: base });
    else decision.push({ column, write, read: decisionReader(feature), feature: i });
  });

  return Object.freeze({
    width: columns.length,
    columns: Object.freeze(columns),
    columnFeature: Int32Array.from(columnFeature),
    decisionColumns: Int32Array.from(decisionColumns),
    actionColumns: Int32Array.from(actionColumns),
    writeDecisionColumns(facts, ctx, row, offset, defaulted) {
      for (const f of decision) {
        if (!f.write(f.read(facts, ctx), row, offset + f.column) && defaulted !== undefined) defaulted[f.feature]! += 1;
      }
    },
    writeActionColumns(a, row, offset) {
      const used: string[] = [];
      for (const f of action) if (!f.write(f.read(a), row, offset + f.column)) used.push(f.name);
      return used;
    },
  } satisfies FeatureLayout);
}
