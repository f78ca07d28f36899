import { defaultClientConditions, defineConfig } from 'vite';
import { mnistDigitsPlugin } from './build/mnist-digits-plugin.js';

export default defineConfig({
  // Relative URLs: the built site works from any directory of a static host.
  base: './',
  // The tame libraries from source (their `@tame/source` export), as everywhere in this repository: no build first.
  resolve: { conditions: ['@tame/source', ...defaultClientConditions] },
  plugins: [mnistDigitsPlugin()],
  build: {
    target: 'es2022',
    // TensorFlow.js is most of the page; one warning about it says nothing new.
    chunkSizeWarningLimit: 4000,
  },
  // The three tfjs entry points share tfjs-core: pre-bundled together, they share one copy (one engine, one registry).
  optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'] },
});
