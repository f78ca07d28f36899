import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors/tame-error.js';

/**
 * The kernel that applies one Adam update to a float32 variable and its two moments in one launch, which a backend
 * may register (@tame/backend does on wasm, where each of the ~13 ops of an update is a launch, and a launch wakes
 * the thread pool). Inputs `{ variable, gradient, first, second }`, attrs `{ beta1, beta2, stepSize, epsilonHat }`,
 * outputs `[variable, first, second]` after the update, equal bit for bit to the float32 ops of applyGradients.
 */
export const adamUpdateKernelName = 'TameAdamUpdate';

export interface AdamOptions {
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export interface AdamState {
  /** Number of updates applied so far (t in the bias corrections). */
  readonly iterations: number;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) over an explicit variable list. Its moments are plain tensors exposed by
 * `slots()` so a checkpoint saves and restores them bit for bit; tfjs's own optimizer hides them behind async calls.
 */
export interface AdamOptimizer {
  readonly options: Required<AdamOptions>;
  /** One update; `gradients[i]` belongs to `variables[i]`. Does not dispose the gradients. */
  applyGradients(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[]): void;
  /** First and second moments as `adam/m/<variable name>`, `adam/v/<variable name>`. */
  slots(): Array<{ readonly name: string; readonly tensor: tf.Tensor }>;
  setSlots(slots: ReadonlyMap<string, tf.Tensor>): void;
  getState(): AdamState;
  setState(state: AdamState): void;
  dispose(): void;
}

export function createAdamOptimizer(options: AdamOptions = {}): AdamOptimizer {
  const resolved = {
    learningRate: options.learningRate ?? 1e-3,
    beta1: options.beta1 ?? 0.9,
    beta2: options.beta2 ?? 0.999,
    epsilon: options.epsilon ?? 1e-8,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`adam.${name}`, `must be a positive number, got ${value}`);
  }
  if (resolved.beta1 >= 1 || resolved.beta2 >= 1) throw new InvalidArgumentError('adam.beta', 'beta1 and beta2 must be < 1');
  let iterations = 0;
  // Moments keyed by variable name, created lazily with the variable's shape.
  const moments = new Map<string, { first: tf.Variable; second: tf.Variable }>();
  const momentsOf = (variable: tf.Variable) => {
    let entry = moments.get(variable.name);
    if (entry === undefined) {
      entry = {
        first: tf.variable(tf.zerosLike(variable), false),
        second: tf.variable(tf.zerosLike(variable), false),
      };
      moments.set(variable.name, entry);
    }
    return entry;
  };
  return {
    options: resolved,
    applyGradients(variables, gradients) {
      if (variables.length !== gradients.length) {
        throw new InvalidArgumentError('gradients', `${gradients.length} gradients for ${variables.length} variables`);
      }
      iterations += 1;
      const { learningRate, beta1, beta2, epsilon } = resolved;
      // Bias corrections folded into the step size, in float64 before entering float32.
      const stepSize = (learningRate * Math.sqrt(1 - beta2 ** iterations)) / (1 - beta1 ** iterations);
      const epsilonHat = epsilon * Math.sqrt(1 - beta2 ** iterations);
      const fused = tf.getKernel(adamUpdateKernelName, tf.getBackend()) !== undefined;
      tf.tidy(() => {
        variables.forEach((variable, index) => {
          const gradient = gradients[index] as tf.Tensor;
          const { first, second } = momentsOf(variable);
          if (fused && variable.dtype === 'float32' && gradient.dtype === 'float32') {
            const inputs = { variable, gradient, first, second } as unknown as tf.NamedTensorMap;
            const attrs = { beta1, beta2, stepSize, epsilonHat } as unknown as tf.NamedAttrMap;
            const [nextVariable, nextFirst, nextSecond] = tf.engine().runKernel(adamUpdateKernelName, inputs, attrs) as tf.Tensor[];
            first.assign(nextFirst as tf.Tensor);
            second.assign(nextSecond as tf.Tensor);
            variable.assign(nextVariable as tf.Tensor);
            return;
          }
          const nextFirst = tf.add(tf.mul(beta1, first), tf.mul(1 - beta1, gradient));
          const nextSecond = tf.add(tf.mul(beta2, second), tf.mul(1 - beta2, tf.square(gradient)));
          first.assign(nextFirst);
          second.assign(nextSecond);
          variable.assign(tf.sub(variable, tf.div(tf.mul(stepSize, nextFirst), tf.add(tf.sqrt(nextSecond), epsilonHat))));
        });
      });
    },
    slots: () =>
      [...moments.entries()].flatMap(([name, { first, second }]) => [
        { name: `adam/m/${name}`, tensor: first },
        { name: `adam/v/${name}`, tensor: second },
      ]),
    setSlots(slots) {
      for (const [name, tensor] of slots) {
        const match = /^adam\/([mv])\/(.+)$/.exec(name);
        if (match === null) continue;
        const variableName = match[2] as string;
        let entry = moments.get(variableName);
        if (entry === undefined) {
          entry = { first: tf.variable(tf.zerosLike(tensor), false), second: tf.variable(tf.zerosLike(tensor), false) };
          moments.set(variableName, entry);
        }
        (match[1] === 'm' ? entry.first : entry.second).assign(tensor);
      }
    },
    getState: () => ({ iterations }),
    setState(state) {
      iterations = state.iterations;
    },
    dispose() {
      for (const { first, second } of moments.values()) {
        first.dispose();
        second.dispose();
      }
      moments.clear();
    },
  };
}
