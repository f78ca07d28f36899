import { type MultiplierControllerKind, multiplierControllers } from '@tame/core';
import { type BackendRequest, isBackendRequest } from '../backend/start-backend.js';
import { isModelSize, type ModelSize } from '../training/model-sizes.js';

/** What the URL may set: `?autostart=1&steps=30&backend=wasm&model=small&kappa=0.15&controller=pi&batch=64&seed=0`. */
export interface PlaygroundOptions {
  readonly autostart: boolean;
  /** Steps of a run; it ends with status `done`. */
  readonly steps: number;
  readonly backend: BackendRequest;
  readonly model: ModelSize;
  readonly kappa: number;
  readonly controller: MultiplierControllerKind;
  readonly batchSize: number;
  readonly seed: number;
}

export const defaultPlaygroundOptions: PlaygroundOptions = {
  autostart: false,
  steps: 3000,
  backend: 'auto',
  model: 'small',
  // The small model crosses 0.16 after about 600 steps: the run shows lambda rising, then falling at constant error.
  kappa: 0.16,
  controller: 'pi',
  batchSize: 64,
  seed: 0,
};

export const kappaRange = { minimum: 0.05, maximum: 0.3, step: 0.005 } as const;

/** Reads the options from a query string; a bad value is an error naming the parameter and what is allowed. */
export function parsePlaygroundOptions(search: string): PlaygroundOptions {
  const parameters = new URLSearchParams(search);
  const known = new Set(['autostart', 'steps', 'backend', 'model', 'kappa', 'controller', 'batch', 'seed']);
  const unknown = [...parameters.keys()].filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`unknown URL parameter ${unknown.map((key) => `'${key}'`).join(', ')}; known: ${[...known].join(', ')}`);
  const integer = (name: string, fallback: number, minimum: number): number => {
    const raw = parameters.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) throw new Error(`URL parameter ${name}=${raw}: expected an integer >= ${minimum}`);
    return value;
  };
  const choice = <T extends string>(name: string, fallback: T, allowed: readonly string[], is: (value: string) => value is T): T => {
    const raw = parameters.get(name);
    if (raw === null) return fallback;
    if (!is(raw)) throw new Error(`URL parameter ${name}=${raw}: expected one of ${allowed.join(', ')}`);
    return raw;
  };
  const controllerKinds = Object.keys(multiplierControllers);
  const kappaText = parameters.get('kappa');
  const kappa = kappaText === null ? defaultPlaygroundOptions.kappa : Number(kappaText);
  if (!(kappa >= kappaRange.minimum && kappa <= kappaRange.maximum)) {
    throw new Error(`URL parameter kappa=${kappaText}: expected a per-pixel RMSE from ${kappaRange.minimum} to ${kappaRange.maximum}`);
  }
  const autostart = parameters.get('autostart');
  return {
    autostart: autostart === '1' || autostart === 'true',
    steps: integer('steps', defaultPlaygroundOptions.steps, 1),
    backend: choice('backend', defaultPlaygroundOptions.backend, ['auto', 'webgl', 'webgpu', 'wasm', 'cpu'], isBackendRequest),
    model: choice('model', defaultPlaygroundOptions.model, ['tiny', 'small', 'reference'], isModelSize),
    kappa,
    controller: choice('controller', defaultPlaygroundOptions.controller, controllerKinds, (value): value is MultiplierControllerKind =>
      controllerKinds.includes(value),
    ),
    batchSize: integer('batch', defaultPlaygroundOptions.batchSize, 1),
    seed: integer('seed', defaultPlaygroundOptions.seed, 0),
  };
}
