// A loaded propensity model: encodes a decision's candidates into one batch and scores them in one run, on
// onnxruntime's session or on the compiled graph.
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import type { CompiledGraph } from './compiled-graph.js';
import type { FeatureLayout, ScoringAction, ScoringContext, ScoringFacts } from './feature-layout.js';
import type { ModelManifest } from './model-manifest.js';

/** Counters for monitoring a model's inputs: how often features fell back to their defaults. */
export interface ModelStats {
  /** Batched runs (one per scored decision). */
  readonly runs: number;
  /** Candidate rows scored. */
  readonly rows: number;
  /** Per profile/context feature (`source.name`), how many decisions used its default (missing, NaN, wrong type). */
  readonly defaulted: Readonly<Record<string, number>>;
}

/** An action feature that used its default at load time, because the action lacked the field or had a wrong type. */
export interface ActionFeatureDefault {
  readonly actionId: string;
  readonly feature: string;
}

/**
 * What runs a model's batches: `compiled` (its graph compiled to JavaScript by `compileOnnxGraph`, checked against
 * onnxruntime at load) or `onnxruntime` (a session run), with the reason the graph was not compiled.
 */
export type ModelRuntime =
  | { readonly kind: 'compiled'; readonly ops: readonly string[] }
  | { readonly kind: 'onnxruntime'; readonly reason: string };

/** A loaded ONNX model bound to a list of actions. */
export interface PropensityModel {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly layout: FeatureLayout;
  readonly runtime: ModelRuntime;
  /** The actions `score()` indexes into. */
  readonly actions: readonly ScoringAction[];
  /** Action features that used their defaults when the actions were bound (worth a warning at config load). */
  readonly actionFeatureDefaults: readonly ActionFeatureDefault[];
  /** The index of an action in `actions`, or -1. */
  indexOfAction(actionId: string): number;
  /**
   * Scores candidates in one batched run: one propensity per index, in order, clamped to 0..1 (NaN stays NaN
   * so the caller can degrade with a reason). Rejects only on a runtime failure or an index out of range.
   */
  score(facts: ScoringFacts, context: ScoringContext, actionIndexes: ArrayLike<number>): Promise<Float32Array>;
  /** The encoded input rows `score` would feed, row-major [n, width] (for explanations; column names in layout). */
  encode(facts: ScoringFacts, context: ScoringContext, actionIndexes: ArrayLike<number>): Float32Array;
  /** The same runner and layout bound to other actions (for a config reload that keeps the model file). */
  withActions(actions: readonly ScoringAction[]): PropensityModel;
  stats(): ModelStats;
  /** Releases the session (if any), shared with every `withActions` sibling. */
  release(): Promise<void>;
}

/** Writes a decision's candidate rows (one per action index) into an input buffer a runner lends. */
export type RowWriter = (
  input: Float32Array,
  facts: ScoringFacts,
  context: ScoringContext,
  actionIndexes: ArrayLike<number>,
) => void;

/**
 * Runs encoded batches: `run` has `write` put one row per action index into an input buffer it lends (before it
 * awaits anything), runs the model and gives its output (row stride `outputStride`), in an array the caller may
 * keep. The writer and its arguments are passed through rather than closed over, so a run allocates no closure.
 */
export interface ModelRunner {
  readonly runtime: ModelRuntime;
  run(
    write: RowWriter,
    facts: ScoringFacts,
    context: ScoringContext,
    actionIndexes: ArrayLike<number>,
  ): Float32Array | Promise<Float32Array>;
  release(): Promise<void>;
}

/** What a loaded model brings to `createPropensityModel`. */
export interface PropensityModelParts {
  readonly manifest: ModelManifest;
  readonly layout: FeatureLayout;
  readonly runner: ModelRunner;
  /** Values per row in the output (1 for [N] and [N, 1]). */
  readonly outputStride: number;
  readonly actions: readonly ScoringAction[];
}

/**
 * An input buffer and the feeds built over it, cached per batch size. A run reads its input after an event-loop
 * turn (onnxruntime-node runs in setImmediate), so concurrent decisions each hold their own slot.
 */
interface Slot {
  input: Float32Array;
  feeds: (InferenceSession.FeedsType | undefined)[];
}

const MAX_FREE_SLOTS = 32;

/** Rows for a buffer: a power of two, at least 16, so a model sees few distinct buffer sizes. */
function capacityFor(rows: number): number {
  let capacity = 16;
  while (capacity < rows) capacity *= 2;
  return capacity;
}

/** Batches on an onnxruntime session, one run each; concurrent runs each hold their own input slot. */
export class SessionRunner implements ModelRunner {
  readonly runtime: ModelRuntime;
  readonly #session: InferenceSession;
  readonly #input: string;
  readonly #width: number;
  readonly #fetches: InferenceSession.NullableOnnxValueMapType;
  readonly #output: string;
  readonly #free: Slot[] = [];

  constructor(session: InferenceSession, manifest: ModelManifest, width: number, reason: string) {
    this.runtime = { kind: 'onnxruntime', reason };
    this.#session = session;
    this.#input = manifest.input;
    this.#output = manifest.output;
    this.#width = width;
    this.#fetches = { [manifest.output]: null };
  }

  async run(
    write: RowWriter,
    facts: ScoringFacts,
    context: ScoringContext,
    actionIndexes: ArrayLike<number>,
  ): Promise<Float32Array> {
    const rows = actionIndexes.length;
    const slot = this.#free.pop() ?? { input: new Float32Array(0), feeds: [] };
    try {
      if (slot.input.length < rows * this.#width) {
        slot.input = new Float32Array(capacityFor(rows) * this.#width);
        slot.feeds = [];
      }
      write(slot.input, facts, context, actionIndexes);
      const result = await this.#session.run(this.#feeds(slot, rows), this.#fetches);
      // The output tensor's data is fresh for every run: handed on without a copy.
      return (result[this.#output] as Tensor).data as Float32Array;
    } finally {
      if (this.#free.length < MAX_FREE_SLOTS) this.#free.push(slot);
    }
  }

  #feeds(slot: Slot, rows: number): InferenceSession.FeedsType {
    let feeds = slot.feeds[rows];
    if (feeds === undefined) {
      const w = this.#width;
      feeds = { [this.#input]: new Tensor('float32', slot.input.subarray(0, rows * w), [rows, w]) };
      slot.feeds[rows] = feeds;
    }
    return feeds;
  }

  release(): Promise<void> {
    return this.#session.release();
  }
}

/** Batches on a compiled graph, in the caller's turn: one input buffer serves every run. */
export class CompiledRunner implements ModelRunner {
  readonly runtime: ModelRuntime;
  readonly #graph: CompiledGraph;
  readonly #width: number;
  #input = new Float32Array(0);

  constructor(graph: CompiledGraph, width: number) {
    this.runtime = { kind: 'compiled', ops: graph.ops };
    this.#graph = graph;
    this.#width = width;
  }

  run(write: RowWriter, facts: ScoringFacts, context: ScoringContext, actionIndexes: ArrayLike<number>): Float32Array {
    const rows = actionIndexes.length;
    if (this.#input.length < rows * this.#width) this.#input = new Float32Array(capacityFor(rows) * this.#width);
    write(this.#input, facts, context, actionIndexes);
    return this.#graph.run(this.#input, rows);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}

interface Counters {
  runs: number;
  rows: number;
  readonly defaulted: Float64Array;
}

class OnnxPropensityModel implements PropensityModel {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly layout: FeatureLayout;
  readonly actions: readonly ScoringAction[];
  readonly actionFeatureDefaults: readonly ActionFeatureDefault[];
  readonly runtime: ModelRuntime;
  readonly #runner: ModelRunner;
  readonly #outputStride: number;
  readonly #outputColumn: number;
  readonly #width: number;
  /** Action columns for every action, row-major [actions, width]; decision columns are left 0. */
  readonly #actionRows: Float32Array;
  /** One view per action into #actionRows, made once so a block copy allocates nothing. */
  readonly #actionRowViews: Float32Array[];
  /** Whether rows start as a copy of the decision row (more decision than action columns) or of the action row. */
  readonly #copyDecisionRow: boolean;
  readonly #actionIndex: Map<string, number>;
  /** Decision columns of the current decision, written once then copied into every row. */
  readonly #decisionRow: Float32Array;
  readonly #counters: Counters;
  /** `#fill` counting defaulted features, made once for the runner to call. */
  readonly #writeRows: RowWriter = (input, facts, context, actionIndexes) =>
    this.#fill(input, facts, context, actionIndexes, this.#counters.defaulted);

  constructor(parts: PropensityModelParts, counters?: Counters) {
    const { manifest, layout, actions } = parts;
    this.id = manifest.id;
    this.manifest = manifest;
    this.layout = layout;
    this.actions = Object.freeze([...actions]);
    this.#runner = parts.runner;
    this.runtime = parts.runner.runtime;
    this.#outputStride = parts.outputStride;
    this.#outputColumn = manifest.outputColumn ?? 0;
    this.#width = layout.width;
    this.#decisionRow = new Float32Array(layout.width);
    this.#counters = counters ?? { runs: 0, rows: 0, defaulted: new Float64Array(manifest.features.length) };
    this.#actionRows = new Float32Array(actions.length * layout.width);
    this.#actionIndex = new Map();
    this.#actionRowViews = actions.map((_, i) => this.#actionRows.subarray(i * layout.width, (i + 1) * layout.width));
    this.#copyDecisionRow = layout.decisionColumns.length >= layout.actionColumns.length;
    const defaults: ActionFeatureDefault[] = [];
    actions.forEach((action, i) => {
      this.#actionIndex.set(action.id, i);
      for (const feature of layout.writeActionColumns(action, this.#actionRows, i * layout.width)) {
        defaults.push({ actionId: action.id, feature });
      }
    });
    this.actionFeatureDefaults = Object.freeze(defaults);
  }

  indexOfAction(actionId: string): number {
    return this.#actionIndex.get(actionId) ?? -1;
  }

  /**
   * Writes one row per index. The larger side (decision or action columns) is block-copied from a full-width
   * template (a memcpy), the smaller side is written column by column over it: about 2x faster than per column.
   */
  #fill(
    input: Float32Array,
    facts: ScoringFacts,
    context: ScoringContext,
    indexes: ArrayLike<number>,
    defaulted?: Float64Array,
  ): void {
    const w = this.#width;
    const actionRows = this.#actionRows;
    const decisionRow = this.#decisionRow;
    const actionCount = this.actions.length;
    this.layout.writeDecisionColumns(facts, context, decisionRow, 0, defaulted);
    const byDecision = this.#copyDecisionRow;
    const columns = byDecision ? this.layout.actionColumns : this.layout.decisionColumns;
    for (let r = 0; r < indexes.length; r++) {
      const a = indexes[r]!;
      if (!(a >= 0 && a < actionCount && a === Math.floor(a))) {
        throw new RangeError(`model ${this.id}: action index ${a} is not in 0..${actionCount - 1}`);
      }
      const src = a * w;
      const dst = r * w;
      if (byDecision) {
        input.set(decisionRow, dst);
        for (let k = 0; k < columns.length; k++) {
          const c = columns[k]!;
          input[dst + c] = actionRows[src + c]!;
        }
      } else {
        input.set(this.#actionRowViews[a]!, dst);
        for (let k = 0; k < columns.length; k++) {
          const c = columns[k]!;
          input[dst + c] = decisionRow[c]!;
        }
      }
    }
  }

  async score(facts: ScoringFacts, context: ScoringContext, actionIndexes: ArrayLike<number>): Promise<Float32Array> {
    const rows = actionIndexes.length;
    if (rows === 0) return new Float32Array(0);
    const output = await this.#runner.run(this.#writeRows, facts, context, actionIndexes);
    this.#counters.runs += 1;
    this.#counters.rows += rows;
    return this.#read(output, rows);
  }

  /** The runner's output is the caller's to keep, so a [N] or [N, 1] output is clamped in place, not copied. */
  #read(data: Float32Array, rows: number): Float32Array {
    const stride = this.#outputStride;
    const out = stride === 1 ? data : new Float32Array(rows);
    const col = this.#outputColumn;
    for (let r = 0; r < rows; r++) {
      const p = data[r * stride + col]!;
      out[r] = p < 0 ? 0 : Math.min(p, 1);
    }
    return out;
  }

  encode(facts: ScoringFacts, context: ScoringContext, actionIndexes: ArrayLike<number>): Float32Array {
    const input = new Float32Array(actionIndexes.length * this.#width);
    this.#fill(input, facts, context, actionIndexes);
    return input;
  }

  withActions(actions: readonly ScoringAction[]): PropensityModel {
    const parts = {
      manifest: this.manifest,
      layout: this.layout,
      runner: this.#runner,
      outputStride: this.#outputStride,
      actions,
    };
    return new OnnxPropensityModel(parts, this.#counters);
  }

  stats(): ModelStats {
    const defaulted: Record<string, number> = {};
    this.manifest.features.forEach((f, i) => {
      if (f.source !== 'action') defaulted[`${f.source}.${f.name}`] = this.#counters.defaulted[i]!;
    });
    return { runs: this.#counters.runs, rows: this.#counters.rows, defaulted };
  }

  release(): Promise<void> {
    return this.#runner.release();
  }
}

/** Wraps a checked runner into a PropensityModel (used by `loadModel`). */
export function createPropensityModel(parts: PropensityModelParts): PropensityModel {
  return new OnnxPropensityModel(parts);
}
