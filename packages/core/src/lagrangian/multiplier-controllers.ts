import { z } from 'zod';
import { algorithm1Controller, algorithm1OptionsSchema } from './controllers/algorithm-1-controller.js';
import { asymmetricController, asymmetricOptionsSchema } from './controllers/asymmetric-controller.js';
import { piController, piOptionsSchema } from './controllers/pi-controller.js';
import { pidController, pidOptionsSchema } from './controllers/pid-controller.js';
import { softplusSquaredController, softplusSquaredOptionsSchema } from './controllers/softplus-squared-controller.js';
import type { MultiplierController } from './multiplier-controller.js';

/** Every shipped controller by kind; a GECO config names one per constraint: `controller: { kind: 'pi' }`. */
export const multiplierControllers = {
  'algorithm-1': algorithm1Controller,
  asymmetric: asymmetricController,
  pi: piController,
  pid: pidController,
  'softplus-squared': softplusSquaredController,
} as const;
export type MultiplierControllerKind = keyof typeof multiplierControllers;

/** A controller config: its kind plus any gains (the rest take the controller's defaults). */
export const multiplierControllerConfigSchema = z.discriminatedUnion('kind', [
  algorithm1OptionsSchema,
  asymmetricOptionsSchema,
  piOptionsSchema,
  pidOptionsSchema,
  softplusSquaredOptionsSchema,
]);
export type MultiplierControllerConfig = z.input<typeof multiplierControllerConfigSchema>;
export type ResolvedMultiplierControllerConfig = z.output<typeof multiplierControllerConfigSchema>;

/** The controller of a resolved config, typed loosely: the config was validated by that controller's own schema. */
export function controllerFor(config: ResolvedMultiplierControllerConfig): MultiplierController<ResolvedMultiplierControllerConfig> {
  return multiplierControllers[config.kind] as unknown as MultiplierController<ResolvedMultiplierControllerConfig>;
}
