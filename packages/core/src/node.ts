/**
 * Node-only helpers of `@tame/core` (file system). Kept out of the main entry so browsers can bundle it.
 *
 * @module @tame/core/node
 */
export { createFileCheckpointStore, type FileCheckpointStoreOptions, writeFileAtomically } from './checkpoint/file-checkpoint-store.js';
