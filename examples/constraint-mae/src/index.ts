// @tame-example/constraint-mae: a third-party tame constraint plugin, mean absolute reconstruction error per pixel.
export {
  createMeanAbsoluteErrorConstraint,
  meanAbsoluteErrorConfigSchema,
  meanAbsoluteErrorConstraint,
  meanAbsoluteErrorConstraintId,
  type MeanAbsoluteErrorConfig,
} from './mean-absolute-error-constraint.js';
