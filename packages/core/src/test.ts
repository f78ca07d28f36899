/**
 * Public test helpers: the conformance suites every plugin runs (first- and third-party) and small fixtures.
 * Requires vitest (optional peer dependency of `@tame/core`).
 *
 * @module @tame/core/test
 */
export {
  describeConstraintPluginConformance,
  describeDatasetPluginConformance,
  describeLikelihoodPluginConformance,
  describeModelPluginConformance,
} from './testing/conformance.js';
export { expectInvalidPluginConfig } from './testing/expect-invalid-plugin-config.js';
export { createTinyVae, type TinyVaeOptions } from './testing/tiny-vae.js';
