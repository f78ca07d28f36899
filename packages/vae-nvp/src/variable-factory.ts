import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@tame/core';

/** FNV-1a of a string, so each variable's initial values depend on its name and the seed, not on creation order. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < label.length; index += 1) {
    hash ^= label.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Creates the named, seeded variables of one model instance and remembers them, so that a failed construction
 * (e.g. a name already taken by a live model) frees what it had created.
 */
export interface VariableFactory {
  /** Normal(0, gain / fanIn): He initialisation with gain 2 (ReLU layers), LeCun with gain 1 (linear outputs). */
  normal(label: string, shape: readonly number[], fanIn: number, gain?: number): tf.Variable;
  /** Uniform(-scale, scale); exactly zero when scale = 0. */
  uniform(label: string, shape: readonly number[], scale: number): tf.Variable;
  zeros(label: string, shape: readonly number[]): tf.Variable;
  readonly created: readonly tf.Variable[];
  /** Disposes every variable created so far. */
  disposeAll(): void;
}

export function createVariableFactory(name: string, seed: number): VariableFactory {
  const created: tf.Variable[] = [];
  const seedOf = (label: string) => (hashLabel(label) ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  const register = (label: string, initial: () => tf.Tensor): tf.Variable => {
    const fullName = `${name}/${label}`;
    try {
      const variable = tf.tidy(() => tf.variable(initial(), true, fullName));
      created.push(variable);
      return variable;
    } catch (error) {
      if (error instanceof Error && /already registered/.test(error.message)) {
        throw new InvalidArgumentError(
          'name',
          `a live model already owns the variable '${fullName}': dispose it first or give this model another name`,
        );
      }
      throw error;
    }
  };
  return {
    normal: (label, shape, fanIn, gain = 2) =>
      register(label, () => tf.randomNormal([...shape], 0, Math.sqrt(gain / fanIn), 'float32', seedOf(label))),
    uniform: (label, shape, scale) =>
      register(label, () => (scale === 0 ? tf.zeros([...shape]) : tf.randomUniform([...shape], -scale, scale, 'float32', seedOf(label)))),
    zeros: (label, shape) => register(label, () => tf.zeros([...shape])),
    created,
    disposeAll() {
      for (const variable of created) variable.dispose();
      created.length = 0;
    },
  };
}
