const marker = Symbol.for('tame.error');

/**
 * Base class of every error tame throws on purpose. `TameError.isInstance` checks a global symbol marker
 * instead of `instanceof`, so it works across duplicated copies of the package (AI SDK pattern).
 */
export class TameError extends Error {
  private readonly [marker] = true;

  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }

  static isInstance(error: unknown): error is TameError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** A plugin's config failed its schema. The message names the plugin and each invalid field. */
export class InvalidPluginConfigError extends TameError {
  constructor(
    readonly pluginId: string,
    readonly issues: readonly string[],
  ) {
    super('InvalidPluginConfigError', `Invalid config for plugin '${pluginId}': ${issues.join('; ')}`);
  }
}

/** A plugin implements a specification version this core does not understand. */
export class UnsupportedSpecificationVersionError extends TameError {
  constructor(
    readonly pluginId: string,
    readonly version: unknown,
    readonly supportedVersions: readonly string[],
  ) {
    super(
      'UnsupportedSpecificationVersionError',
      `Plugin '${pluginId}' implements specification version ${JSON.stringify(version)}; this @tame/core supports ${supportedVersions.join(', ')}`,
    );
  }
}

/** No plugin with that id (and kind) is registered. */
export class NoSuchPluginError extends TameError {
  constructor(
    readonly kind: string,
    readonly pluginId: string,
    readonly availableIds: readonly string[],
  ) {
    super(
      'NoSuchPluginError',
      `No ${kind} plugin '${pluginId}'. Available: ${availableIds.length > 0 ? availableIds.join(', ') : '(none registered)'}`,
    );
  }
}

/** Invalid arguments to a core function (options out of range, wrong shapes). */
export class InvalidArgumentError extends TameError {
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super('InvalidArgumentError', `Invalid ${argument}: ${message}`);
  }
}

/** A loss, gradient or multiplier became NaN or infinite; training stopped before applying the update. */
export class NonFiniteValueError extends TameError {
  constructor(
    readonly step: number,
    readonly quantities: Readonly<Record<string, number>>,
    readonly lastCheckpoint: string | undefined,
  ) {
    const listed = Object.entries(quantities)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    super(
      'NonFiniteValueError',
      `Non-finite value at step ${step} (${listed}); the update was not applied. ` +
        (lastCheckpoint === undefined
          ? 'No checkpoint had been written yet.'
          : `The last good checkpoint is ${lastCheckpoint}.`),
    );
  }
}

/** A checkpoint is missing, truncated, corrupt or does not fit the model being restored. */
export class CheckpointError extends TameError {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super('CheckpointError', `Checkpoint ${location}: ${message}`);
  }
}
