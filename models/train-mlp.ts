// A one-hidden-layer MLP (ReLU, sigmoid output) or, with no hidden units, logistic regression, fitted with Adam.
import { SeededRandom } from './seeded-random.js';

/** Hyperparameters; the same options and data always give the same weights. */
export interface MlpOptions {
  /** Hidden units; 0 fits logistic regression. */
  readonly hidden: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam step size at the start, decayed linearly to a tenth by the last epoch. */
  readonly learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  readonly l2: number;
  readonly seed: number;
}

/**
 * Fitted weights, already rounded to float32 (what the ONNX file stores), in ONNX Gemm layout:
 * `w1` is [inputs, hidden] row-major and `w2` is [hidden] (or [inputs] when hidden is 0).
 */
export interface MlpWeights {
  readonly inputs: number;
  readonly hidden: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: number;
}

/** A design matrix: `rows` rows of `columns` float32 features, row-major, and 0/1 labels. */
export interface Dataset {
  readonly x: Float32Array;
  readonly y: Uint8Array;
  readonly rows: number;
  readonly columns: number;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Adam state for one parameter vector. */
class AdamParam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly grad: Float64Array;
  constructor(
    readonly value: Float64Array,
    readonly decay: number,
  ) {
    this.m = new Float64Array(value.length);
    this.v = new Float64Array(value.length);
    this.grad = new Float64Array(value.length);
  }

  step(lr: number, t: number, scale: number): void {
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** t;
    const c2 = 1 - b2 ** t;
    for (let i = 0; i < this.value.length; i++) {
      const g = this.grad[i]! * scale + this.decay * this.value[i]!;
      this.m[i] = b1 * this.m[i]! + (1 - b1) * g;
      this.v[i] = b2 * this.v[i]! + (1 - b2) * g * g;
      this.value[i]! -= (lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + 1e-8);
      this.grad[i] = 0;
    }
  }
}

/**
 * Fits the network by minibatch Adam on binary cross-entropy.
 * @example const weights = trainMlp(train, { hidden: 16, epochs: 12, batchSize: 256, learningRate: 0.005, l2: 1e-5, seed: 1 });
 */
export function trainMlp(data: Dataset, options: MlpOptions): MlpWeights {
  const { rows, columns: f, x, y } = data;
  const h = options.hidden;
  const r = new SeededRandom(options.seed);
  const linear = h === 0;
  const units = linear ? f : h;
  // He initialisation for the ReLU layer; the output layer starts at the base rate.
  const w1 = new AdamParam(
    Float64Array.from({ length: f * h }, () => r.normal(0, Math.sqrt(2 / f))),
    options.l2,
  );
  const b1 = new AdamParam(new Float64Array(h), 0);
  const w2 = new AdamParam(
    Float64Array.from({ length: units }, () => r.normal(0, Math.sqrt(1 / units))),
    options.l2,
  );
  let positives = 0;
  for (let i = 0; i < rows; i++) positives += y[i]!;
  const base = Math.min(0.99, Math.max(0.01, positives / rows));
  const b2 = new AdamParam(Float64Array.of(Math.log(base / (1 - base))), 0);
  const params = linear ? [w2, b2] : [w1, b1, w2, b2];

  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const pre = new Float64Array(h);
  const act = new Float64Array(h);
  let t = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    r.shuffle(order);
    const lr = options.learningRate * (1 - (0.9 * epoch) / Math.max(1, options.epochs - 1));
    for (let start = 0; start < rows; start += options.batchSize) {
      const end = Math.min(rows, start + options.batchSize);
      for (let n = start; n < end; n++) {
        const row = order[n]!;
        const off = row * f;
        let z = b2.value[0]!;
        if (linear) {
          for (let k = 0; k < f; k++) z += x[off + k]! * w2.value[k]!;
        } else {
          for (let j = 0; j < h; j++) pre[j] = b1.value[j]!;
          for (let k = 0; k < f; k++) {
            const xk = x[off + k]!;
            if (xk === 0) continue;
            const wk = k * h;
            for (let j = 0; j < h; j++) pre[j]! += xk * w1.value[wk + j]!;
          }
          for (let j = 0; j < h; j++) {
            act[j] = Math.max(pre[j]!, 0);
            z += act[j]! * w2.value[j]!;
          }
        }
        const g = sigmoid(z) - y[row]!;
        b2.grad[0]! += g;
        if (linear) {
          for (let k = 0; k < f; k++) w2.grad[k]! += g * x[off + k]!;
          continue;
        }
        for (let j = 0; j < h; j++) {
          w2.grad[j]! += g * act[j]!;
          const d = pre[j]! > 0 ? g * w2.value[j]! : 0;
          pre[j] = d;
          b1.grad[j]! += d;
        }
        for (let k = 0; k < f; k++) {
          const xk = x[off + k]!;
          if (xk === 0) continue;
          const wk = k * h;
          for (let j = 0; j < h; j++) w1.grad[wk + j]! += xk * pre[j]!;
        }
      }
      t++;
      for (const p of params) p.step(lr, t, 1 / (end - start));
    }
  }
  return {
    inputs: f,
    hidden: h,
    w1: Float32Array.from(w1.value),
    b1: Float32Array.from(b1.value),
    w2: Float32Array.from(w2.value),
    b2: Math.fround(b2.value[0]!),
  };
}

/** Scores rows with fitted weights in float64 (for quick checks; the shipped numbers come from the ONNX run). */
export function predictMlp(weights: MlpWeights, data: Dataset): Float64Array {
  const { inputs: f, hidden: h, w1, b1, w2, b2 } = weights;
  const out = new Float64Array(data.rows);
  for (let n = 0; n < data.rows; n++) {
    const off = n * f;
    let z = b2;
    if (h === 0) {
      for (let k = 0; k < f; k++) z += data.x[off + k]! * w2[k]!;
    } else {
      for (let j = 0; j < h; j++) {
        let a = b1[j]!;
        for (let k = 0; k < f; k++) a += data.x[off + k]! * w1[k * h + j]!;
        if (a > 0) z += a * w2[j]!;
      }
    }
    out[n] = sigmoid(z);
  }
  return out;
}
