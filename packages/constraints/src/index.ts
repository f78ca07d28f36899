export {
  createReconstructionErrorConstraint,
  reconstructionErrorConfigSchema,
  reconstructionErrorConstraint,
  type ReconstructionErrorConfig,
} from './reconstruction-error-constraint.js';
