// Loads the TensorFlow.js runtime once per test file, the way an app does: through @tame/backend, which
// imports the union package (it registers the gradients) and the wasm backend with tame's training kernels.
// Tests run on wasm; a test that needs another backend switches explicitly and switches back.
import { setBackend } from '@tame/backend';

await setBackend(process.env.TAME_TEST_BACKEND ?? 'wasm');
