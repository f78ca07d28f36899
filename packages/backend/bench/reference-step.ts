// Times the reference conv VAE training step on the wasm backend (with tame's training kernels) and, briefly, on the
// cpu backend, and prints a per-kernel profile of one wasm step (tf.profile).
//
// Run: npx tsx --conditions=@tame/source packages/backend/bench/reference-step.ts [--steps 20] [--warmup 5]
//        [--threads 1] (wasm XNNPACK threads) [--cpu-steps 2] (0 skips cpu) [--profile-steps 5] [--backend wasm|cpu|node|node-gpu]
//        [--native Conv2DBackpropInput,BatchMatMul,_FusedMatMul] (ablation: put back tfjs-backend-wasm's own kernels)
//      PROFILE_CALLS=1 also prints every kernel call of one profiled step with its input shapes and time.
//
// Model (batch 64 of 28x28x1, 'same' padding, Adam 1e-3, plain tfjs ops):
//   encoder conv 4x4/2 32 relu -> conv 4x4/2 64 relu -> dense 2*16 (mean, log-variance)
//   decoder dense 7*7*64 relu -> conv2dTranspose 4x4/2 32 relu -> conv2dTranspose 4x4/2 1
//   loss: Gaussian squared error 0.5*sum((x - x')^2) + analytic KL, averaged over the batch.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { formatKernelProfile, profileKernels, setBackend } from '@tame/backend';

const argv = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}
const steps = option('steps', 20);
const threads = option('threads', 1);
const warmup = option('warmup', 5);
const cpuSteps = option('cpu-steps', 2);
const profiledSteps = option('profile-steps', 5);
const backendIndex = argv.indexOf('--backend');
const mainBackend = backendIndex >= 0 ? argv[backendIndex + 1] ?? 'wasm' : 'wasm';

const nativeIndex = argv.indexOf('--native');
const keepNative = nativeIndex >= 0 ? (argv[nativeIndex + 1] ?? '').split(',').filter(Boolean) : [];
// tfjs-backend-wasm's own kernels, captured before tame wraps them, for the --native ablation.
const nativeConfigs = new Map(keepNative.map((name) => [name, tf.getKernel(name, 'wasm')]));

const batch = 64;
const latent = 16;

interface Model {
  variables: tf.Variable[];
  step(x: tf.Tensor4D): number;
}

function buildModel(): Model {
  let seed = 1;
  const init = (shape: number[], fanIn: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++));
  const zeros = (shape: number[]) => tf.variable(tf.zeros(shape));
  const w1 = init([4, 4, 1, 32], 16);
  const b1 = zeros([32]);
  const w2 = init([4, 4, 32, 64], 16 * 32);
  const b2 = zeros([64]);
  const w3 = init([7 * 7 * 64, 2 * latent], 7 * 7 * 64);
  const b3 = zeros([2 * latent]);
  const w4 = init([latent, 7 * 7 * 64], latent);
  const b4 = zeros([7 * 7 * 64]);
  // conv2dTranspose filters are [kh, kw, outChannels, inChannels].
  const w5 = init([4, 4, 32, 64], 16 * 64);
  const b5 = zeros([32]);
  const w6 = init([4, 4, 1, 32], 16 * 32);
  const b6 = zeros([1]);
  const variables = [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, w6, b6];
  const optimizer = tf.train.adam(1e-3);

  const loss = (x: tf.Tensor4D): tf.Scalar => {
    const h1 = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 2, 'same'), b1));
    const h2 = tf.relu(tf.add(tf.conv2d(h1 as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'), b2));
    const stats = tf.add(tf.matMul(tf.reshape(h2, [batch, 7 * 7 * 64]), w3 as tf.Tensor2D), b3);
    const [mean, logVariance] = tf.split(stats, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVariance, 0.5)), tf.randomNormal([batch, latent])));
    const d1 = tf.relu(tf.add(tf.matMul(z, w4 as tf.Tensor2D), b4));
    const d2 = tf.relu(
      tf.add(
        tf.conv2dTranspose(
          tf.reshape(d1, [batch, 7, 7, 64]) as tf.Tensor4D,
          w5 as tf.Tensor4D,
          [batch, 14, 14, 32],
          2,
          'same'
        ),
        b5
      )
    );
    const xHat = tf.add(tf.conv2dTranspose(d2 as tf.Tensor4D, w6 as tf.Tensor4D, [batch, 28, 28, 1], 2, 'same'), b6);
    const reconstruction = tf.mul(tf.sum(tf.squaredDifference(x, xHat)), 0.5 / batch);
    const kl = tf.mul(
      tf.sum(tf.sub(tf.add(1, logVariance), tf.add(tf.square(mean), tf.exp(logVariance)))),
      -0.5 / batch
    );
    return tf.add(reconstruction, kl) as tf.Scalar;
  };

  return {
    variables,
    step(x) {
      const cost = optimizer.minimize(() => loss(x), true, variables);
      const value = cost!.dataSync()[0] as number;
      cost!.dispose();
      return value;
    },
  };
}

/** Size of the wasm backend's heap (it only grows), to show the kernels do not leak wasm memory. */
function wasmHeapMiB(): number | undefined {
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return heap === undefined ? undefined : Math.round(heap.length / 2 ** 20);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
}

async function run(backend: string, timedSteps: number, warmupSteps: number, profile: boolean) {
  const active = await setBackend(backend, { threads });
  for (const [name, config] of nativeConfigs) {
    if (config === undefined || active !== 'wasm') continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
    console.log(`(ablation: tfjs-backend-wasm's own ${name})`);
  }
  const model = buildModel();
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  for (let i = 0; i < warmupSteps; i++) model.step(x);
  // Tensor count after the first step: Adam creates its two slots per variable on its first step.
  let tensorsBefore = warmupSteps > 0 ? tf.memory().numTensors : NaN;
  const heapBefore = wasmHeapMiB();
  const times: number[] = [];
  let lastLoss = NaN;
  for (let i = 0; i < timedSteps; i++) {
    const t0 = performance.now();
    lastLoss = model.step(x);
    times.push(performance.now() - t0);
    if (Number.isNaN(tensorsBefore)) tensorsBefore = tf.memory().numTensors;
  }
  const countedSteps = warmupSteps > 0 ? timedSteps : timedSteps - 1;
  const leaked = tf.memory().numTensors - tensorsBefore;
  console.log(
    `${active}: median ${median(times).toFixed(1)} ms/step over ${timedSteps} steps after ${warmupSteps} warm-up ` +
      `(min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}); loss ${lastLoss.toFixed(2)}; ` +
      `tensors leaked per step: ${countedSteps > 0 ? leaked / countedSteps : 'n/a'}` +
      (heapBefore === undefined ? '' : `; wasm heap ${heapBefore} -> ${wasmHeapMiB()} MiB`)
  );
  if (profile) await printProfile(model, x);
  tf.dispose([x, ...model.variables]);
  return median(times);
}

/** Per-kernel self times of the profiled steps (profileKernels lists tame's composite kernels' children under them). */
async function printProfile(model: Model, x: tf.Tensor4D) {
  if (process.env.PROFILE_CALLS) {
    const info = await tf.profile(() => void model.step(x));
    for (const kernel of info.kernels) {
      console.log(`${kernel.name} ${JSON.stringify(kernel.inputShapes)} ${(await (kernel.kernelTimeMs as unknown as Promise<number>)).toFixed(2)} ms`);
    }
  }
  const profile = await profileKernels(tf, () => {
    for (let i = 0; i < profiledSteps; i++) model.step(x);
  }, profiledSteps);
  console.log(`\nPer-kernel profile, mean of ${profiledSteps} ${tf.getBackend()} steps (tf.profile; it times each kernel, which adds a little): ${formatKernelProfile(profile, 40)}\n`);
}

const mainMs = await run(mainBackend, steps, warmup, true);
if (cpuSteps > 0 && mainBackend !== 'cpu') {
  console.log(`\ncpu backend: ${cpuSteps} steps, no warm-up (slow)...`);
  const cpuMs = await run('cpu', cpuSteps, 0, false);
  console.log(`${mainBackend}/cpu speed-up: ${(cpuMs / mainMs).toFixed(0)}x`);
}
