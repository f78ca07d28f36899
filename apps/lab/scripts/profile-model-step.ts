// Per-kernel profile of one model's training step, as `tame bench` trains it (packages/backend README, "Speed").
// Run: npx tsx --conditions=@tame/source apps/lab/scripts/profile-model-step.ts --model conv-vae|bilbo-vae|vae-nvp|convdraw
//        [--threads N] [--batch 64] [--steps 3]      (3 warm-up steps first; times are means per step)
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { formatKernelProfile, profileKernels, setBackend } from '@tame/backend';
import { benchModelNames, isBenchModelId } from '../src/bench/bench-models.js';
import { prepareBenchTraining } from '../src/bench/time-training-steps.js';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'conv-vae' }, threads: { type: 'string', default: '1' }, batch: { type: 'string', default: '64' }, steps: { type: 'string', default: '3' } } });
if (!isBenchModelId(values.model)) throw new Error(`--model must be conv-vae, bilbo-vae, vae-nvp or convdraw, got '${values.model}'`);
const threads = Number(values.threads);
const steps = Number(values.steps);
await setBackend('wasm', { threads });
const training = prepareBenchTraining(values.model, Number(values.batch));
await training.train(3);
const profile = await profileKernels(tf, () => training.train(steps), steps);
training.dispose();
console.log(`${benchModelNames[values.model]}, batch ${values.batch}, wasm ${threads} thread(s), mean of ${steps} steps (tf.profile times each kernel, which adds a little):`);
console.log(formatKernelProfile(profile, 25));
