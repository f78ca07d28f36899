import type { TrainingCheckpoint } from './checkpoint-format.js';

/** Where the trainer saves checkpoints. `save` must be atomic: a failure never damages an earlier checkpoint. */
export interface CheckpointStore {
  /** Saves and returns a human-readable location (path) of the new checkpoint. */
  save(checkpoint: TrainingCheckpoint): Promise<string>;
  /** The newest checkpoint, or undefined when there is none. Throws CheckpointError when it is unreadable. */
  loadLatest(): Promise<{ readonly checkpoint: TrainingCheckpoint; readonly location: string } | undefined>;
}

/** Keeps encoded checkpoints in memory (tests, notebooks). Stores copies, so later mutation cannot leak in. */
export function createMemoryCheckpointStore(): CheckpointStore & { readonly saved: TrainingCheckpoint[] } {
  const saved: TrainingCheckpoint[] = [];
  return {
    saved,
    async save(checkpoint) {
      saved.push(structuredClone(checkpoint));
      return `memory:${checkpoint.step}`;
    },
    async loadLatest() {
      const latest = saved.at(-1);
      return latest === undefined ? undefined : { checkpoint: structuredClone(latest), location: `memory:${latest.step}` };
    },
  };
}
