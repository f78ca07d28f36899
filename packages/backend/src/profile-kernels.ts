import type * as tfTypes from '@tensorflow/tfjs-core';

type TensorFlow = typeof tfTypes;

/** One kernel's share of a profiled run: self time (its children excluded) per repetition. */
export interface KernelProfileRow {
  /** Kernel name; `Parent > Child` for a kernel run inside one of tame's composite kernels. */
  readonly name: string;
  readonly msPerRepetition: number;
  readonly callsPerRepetition: number;
}

export interface KernelProfile {
  /** Top-level kernels, slowest first (their times include the children listed in `inside`). */
  readonly kernels: readonly KernelProfileRow[];
  /** Kernels run inside tame's composite kernels (which compute with other kernels), slowest first. */
  readonly inside: readonly KernelProfileRow[];
  /** Sum of the top-level kernels' times per repetition. */
  readonly totalMs: number;
}

/** tame's kernels on wasm that compute with other kernels: their children are listed under them, not beside them. */
const compositeKernels = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'UnsortedSegmentSum', 'BatchMatMul', '_FusedMatMul', 'Log1p', 'TameAdamUpdate', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];

/**
 * Times every kernel `run` launches (tf.profile) and sums them by name, per repetition when `run` repeats its work
 * `repetitions` times (e.g. training steps). tf.profile lists the kernels a composite kernel runs as kernels too: to
 * give self times, tame's composite kernels are wrapped while profiling to record which entries ran inside them.
 */
export async function profileKernels(tf: TensorFlow, run: () => Promise<unknown> | unknown, repetitions = 1): Promise<KernelProfile> {
  const engineState = (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state;
  const parentOf = new Map<number, string>();
  const restore: Array<() => void> = [];
  for (const name of compositeKernels) {
    const config = tf.getKernel(name, tf.getBackend()) as { kernelFunc: (...args: unknown[]) => unknown } | undefined;
    if (config === undefined) continue;
    const original = config.kernelFunc;
    config.kernelFunc = (...args: unknown[]) => {
      const first = engineState.activeProfile.kernels.length;
      const output = original(...args);
      const last = engineState.activeProfile.kernels.length;
      for (let index = first; index < last; index++) if (!parentOf.has(index)) parentOf.set(index, name);
      return output;
    };
    restore.push(() => (config.kernelFunc = original));
  }
  let info: Awaited<ReturnType<TensorFlow["profile"]>>;
  try {
    info = await tf.profile(async () => {
      await run();
    });
  } finally {
    restore.forEach((undo) => undo());
  }
  const top = new Map<string, { ms: number; calls: number }>();
  const inside = new Map<string, { ms: number; calls: number }>();
  for (const [index, kernel] of info.kernels.entries()) {
    const ms = await (kernel.kernelTimeMs as unknown as Promise<number>);
    const parent = parentOf.get(index);
    const table = parent === undefined ? top : inside;
    const key = parent === undefined ? kernel.name : `${parent} > ${kernel.name}`;
    const entry = table.get(key) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    table.set(key, entry);
  }
  const rows = (table: Map<string, { ms: number; calls: number }>) =>
    [...table.entries()].map(([name, { ms, calls }]) => ({ name, msPerRepetition: ms / repetitions, callsPerRepetition: calls / repetitions })).sort((a, b) => b.msPerRepetition - a.msPerRepetition);
  const kernels = rows(top);
  return { kernels, inside: rows(inside), totalMs: kernels.reduce((sum, row) => sum + row.msPerRepetition, 0) };
}

/** The profile as an aligned text table. */
export function formatKernelProfile(profile: KernelProfile, limit = 20): string {
  const line = (row: KernelProfileRow, indent: string, width: number) =>
    `${indent}${row.name.padEnd(width)} ${row.msPerRepetition.toFixed(2).padStart(8)} ms ${row.callsPerRepetition.toFixed(0).padStart(5)} calls`;
  const lines = [`${profile.totalMs.toFixed(1)} ms in top-level kernels`, ...profile.kernels.slice(0, limit).map((row) => line(row, '  ', 28))];
  if (profile.inside.length > 0) lines.push('  of which inside tame composite kernels:', ...profile.inside.slice(0, limit).map((row) => line(row, '    ', 44)));
  return lines.join('\n');
}
