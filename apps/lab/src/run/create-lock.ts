import type { Lock } from './train-and-open-run.js';

/** A mutex: `acquire` resolves with the function that releases it, in the order callers asked. */
export function createLock(): Lock {
  let tail: Promise<void> = Promise.resolve();
  return {
    acquire() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const ready = tail.then(() => release);
      tail = tail.then(() => held);
      return ready;
    },
  };
}
