import { parsePluginConfig } from '@tame/core';
import { expectInvalidPluginConfig } from '@tame/core/test';
import { describe, expect, it } from 'vitest';
import { contextEncoderOutputSize, contextEncoderStrides } from './convdraw-config.js';
import { convDrawPlugin } from './convdraw-model.js';
import { convDrawPresets } from './convdraw-presets.js';

const parse = (config: unknown) => parsePluginConfig(convDrawPlugin, config);

const expectInvalid = (config: unknown, field: string, fragment: RegExp) => expectInvalidPluginConfig(convDrawPlugin, config, field, fragment);

describe('ConvDRAW config', () => {
  it('fills every field from the small preset by default and is JSON', () => {
    const config = parse({});
    expect(config).toEqual({
      preset: 'small',
      name: 'convdraw',
      seed: 0,
      dataShape: [28, 28, 1],
      context: { kind: 'none' },
      canvas: { kind: 'pixel' },
      outputActivation: 'sigmoid',
      ...convDrawPresets.small,
    });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });

  it('takes explicit overrides over the preset, and a resolved config parses to itself', () => {
    const config = parse({ preset: 'faithful', steps: 3, hiddenChannels: 8 });
    expect(config.steps).toBe(3);
    expect(config.hiddenChannels).toBe(8);
    expect(config.kernelSize).toBe(convDrawPresets.faithful.kernelSize);
    expect(config.stateStride).toBe(2);
    expect(parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it("resolves an image context's 'auto' embedding: spatial when it encodes onto the state grid, pooled otherwise", () => {
    const spatial = parse({ context: { kind: 'image', shape: [28, 28, 1] } });
    expect(spatial.context).toEqual({ kind: 'image', shape: [28, 28, 1], channels: 16, embedding: 'spatial' });
    const pooled = parse({ context: { kind: 'image', shape: [28, 56, 1] } });
    expect(pooled.context).toMatchObject({ embedding: 'pooled' });
    expect(parse(pooled).context).toEqual(pooled.context);
  });

  it('context encoder strides multiply to the state stride', () => {
    expect(contextEncoderStrides(1)).toEqual([1]);
    expect(contextEncoderStrides(2)).toEqual([2]);
    expect(contextEncoderStrides(4)).toEqual([2, 2]);
    expect(contextEncoderStrides(6)).toEqual([2, 3]);
    expect(contextEncoderStrides(7)).toEqual([7]);
    expect(contextEncoderOutputSize([28, 28, 1], 4)).toEqual([7, 7]);
    expect(contextEncoderOutputSize([27, 13, 1], 4)).toEqual([7, 4]);
  });

  it('names the field of every invalid config', () => {
    expectInvalid({ stateStride: 3 }, 'stateStride', /must divide the data height and width \[28, 28\]/);
    expectInvalid({ kernelSize: 4 }, 'kernelSize', /odd/);
    expectInvalid({ steps: 0 }, 'steps', /./);
    expectInvalid({ steps: 2.5 }, 'steps', /./);
    expectInvalid({ preset: 'huge' }, 'preset', /./);
    expectInvalid({ hiddenChanels: 8 }, '(config)', /hiddenChanels/);
    expectInvalid({ dataShape: [28, 28] }, 'dataShape', /./);
    expectInvalid({ name: 'has space' }, 'name', /letters, digits/);
    expectInvalid({ context: { kind: 'vector' } }, 'context.shape', /./);
    expectInvalid({ context: { kind: 'label' } }, 'context.kind', /./);
    expectInvalid({ context: { kind: 'image', shape: [28, 56, 1], embedding: 'spatial' } }, 'context.embedding', /state grid \[7, 7\].*'pooled'/);
    expectInvalid({ canvas: { kind: 'hidden', channels: 0 } }, 'canvas.channels', /./);
    expectInvalid({ forgetBias: Number.NaN }, 'forgetBias', /./);
    expectInvalid({ outputActivation: 'tanh' }, 'outputActivation', /./);
  });
});
