#!/usr/bin/env python3
"""PyTorch CPU peer of `npm run bench`: times the same training step on the same machine.

Run:  python3 apps/lab/bench/pytorch-peer.py [--batch 64] [--warmup 5] [--steps 20] [--threads N] [--json]
      (Debian's python3-torch lives in /usr/lib/python3/dist-packages: use /usr/bin/python3 if another python3,
      e.g. a pyenv shim, comes first on PATH.)

Mirrors apps/lab/src/commands/bench-command.ts (benchmarkReferenceStep) on the tfjs side:
- model: packages/conv-vae, preset `reference` (c1 = 32, c2 = 64, d = 16) on 28x28x1 images in [0, 1]
  (conv-vae-model.ts, conv-vae-variables.ts, standard-normal-kl.ts); 220,385 parameters, asserted below;
- objective: GECO (packages/core lagrangian/geco-objective.ts) with one reconstruction-error constraint
  (packages/constraints reconstruction-error-constraint.ts, kappa 0.1), lambda = 1 (GECO's initial multiplier);
- step: forward, loss, backward, global gradient norm, one read-back of the logged scalars, Adam (lr 1e-3),
  as packages/core trainer/train.ts does per step; median wall time over the timed steps after the warm-up.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    hint = ''
    # A python3 other than Debian's (pyenv, venv) does not see Debian's dist-packages: say where torch is.
    if os.path.isdir('/usr/lib/python3/dist-packages/torch') and sys.executable != '/usr/bin/python3':
        hint = f' (Debian\'s torch is installed for /usr/bin/python3, not for {sys.executable}: run it with /usr/bin/python3)'
    print(f'pytorch-peer: PyTorch is not installed; on Debian: apt-get install python3-torch{hint}', file=sys.stderr)
    sys.exit(2)

# The figures the tfjs side uses: reference preset, data shape, GECO defaults, bench kappa.
HEIGHT, WIDTH, CHANNELS = 28, 28, 1
CHANNELS1, CHANNELS2, LATENT = 32, 64, 16
KAPPA = 0.1
MULTIPLIER = 1.0  # GECO's initialMultiplier; the controller updates it on the host after each step (not timed here).
MOVING_AVERAGE_DECAY = 0.99
EXPECTED_PARAMETERS = 220_385  # packages/conv-vae README and conv-vae-model.test.ts


def tfjs_same_padding(size, kernel, stride):
    """(before, after) padding of tfjs 'same': total max((ceil(in/s) - 1) s + k - in, 0), the extra one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def symmetric_padding(size, kernel, stride):
    # torch's Conv2d/ConvTranspose2d only pad symmetrically; for 4x4/2 on even sizes tfjs pads (1, 1), so they agree.
    before, after = tfjs_same_padding(size, kernel, stride)
    assert before == after, f'tfjs pads ({before}, {after}) at size {size}: torch would need an explicit F.pad'
    return before


class ReferenceConvVae(torch.nn.Module):
    """conv 4x4/2 c1 ReLU, conv 4x4/2 c2 ReLU, dense 2d (mean | log-variance); dense ReLU, deconv 4x4/2 c1 ReLU,
    deconv 4x4/2 C, sigmoid. NCHW (torch's native layout) where tfjs uses NHWC: the flatten order differs by a fixed
    permutation, which changes neither the cost nor the parameter count."""

    def __init__(self):
        super().__init__()
        pad1 = symmetric_padding(HEIGHT, 4, 2)  # 28 -> 14
        pad2 = symmetric_padding(HEIGHT // 2, 4, 2)  # 14 -> 7
        self.conv1 = torch.nn.Conv2d(CHANNELS, CHANNELS1, 4, stride=2, padding=pad1)
        self.conv2 = torch.nn.Conv2d(CHANNELS1, CHANNELS2, 4, stride=2, padding=pad2)
        flat = (HEIGHT // 4) * (WIDTH // 4) * CHANNELS2
        self.encoder_dense = torch.nn.Linear(flat, 2 * LATENT)
        self.decoder_dense = torch.nn.Linear(LATENT, flat)
        # tfjs's 'same' conv2dTranspose is the gradient of the 'same' conv with the same pads, so padding (1, 1) with
        # no output_padding gives (7 - 1) 2 - 2 + 4 = 14 and (14 - 1) 2 - 2 + 4 = 28, the sizes tfjs is asked for.
        self.deconv1 = torch.nn.ConvTranspose2d(CHANNELS2, CHANNELS1, 4, stride=2, padding=pad2)
        self.deconv2 = torch.nn.ConvTranspose2d(CHANNELS1, CHANNELS, 4, stride=2, padding=pad1)
        # He normal with tame's fan-ins (4 * in for the stride-2 transposed convs), zero biases: the values start in
        # the same range as tame's, though not bit for bit (different generators).
        fan_ins = {
            self.conv1: 16 * CHANNELS, self.conv2: 16 * CHANNELS1, self.encoder_dense: flat,
            self.decoder_dense: LATENT, self.deconv1: 4 * CHANNELS2, self.deconv2: 4 * CHANNELS1,
        }
        with torch.no_grad():
            for layer, fan_in in fan_ins.items():
                layer.weight.normal_(0.0, (2.0 / fan_in) ** 0.5)
                layer.bias.zero_()

    def forward(self, inputs, noise):
        batch = inputs.shape[0]
        hidden = F.relu(self.conv2(F.relu(self.conv1(inputs))))
        mean, log_variance = self.encoder_dense(hidden.reshape(batch, -1)).chunk(2, dim=1)
        # Reparameterised sample z = mean + sigma * eps, as forward({ training: true }).
        latent = mean + torch.exp(0.5 * log_variance) * noise
        # Analytic KL(q || N(0, I)) per example, in the operation order of standardNormalKl.
        kl = 0.5 * torch.sum(mean.square() + log_variance.exp() - (log_variance + 1), dim=1)
        grid = F.relu(self.decoder_dense(latent)).reshape(batch, CHANNELS2, HEIGHT // 4, WIDTH // 4)
        reconstruction = torch.sigmoid(self.deconv2(F.relu(self.deconv1(grid))))
        return reconstruction, kl


def main():
    parser = argparse.ArgumentParser(description='PyTorch CPU peer of `npm run bench` (reference conv VAE, GECO RE).')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--threads', type=int, default=len(os.sched_getaffinity(0)), help='torch.set_num_threads (default: all cores)')
    parser.add_argument('--json', action='store_true', help='print one JSON line')
    args = parser.parse_args()
    for name in ('batch', 'steps', 'threads'):
        if getattr(args, name) < 1:
            parser.error(f'--{name} must be a positive integer')
    if args.warmup < 0:
        parser.error('--warmup must be >= 0')

    # Debian's build starts with one intra-op thread whatever the core count: set it explicitly.
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)  # the tfjs bench builds its model with seed 1
    model = ReferenceConvVae()
    parameters = sum(p.numel() for p in model.parameters())
    assert parameters == EXPECTED_PARAMETERS, f'{parameters} parameters, the conv-vae package has {EXPECTED_PARAMETERS}'
    if args.json:  # stdout carries only the JSON line
        print(f'pytorch-peer: {parameters:,} parameters, as @tame/conv-vae reference', file=sys.stderr)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # same update as tame's Adam (epsilon-hat form)

    # Two batches of random images in [0, 1] from a fixed seed, cycled like the tfjs bench's 2-batch dataset: the
    # step's cost does not depend on the pixel values.
    generator = torch.Generator().manual_seed(12345)
    data = torch.rand(2, args.batch, CHANNELS, HEIGHT, WIDTH, generator=generator)
    dimensions = HEIGHT * WIDTH * CHANNELS
    moving_average = None
    durations = []
    for step in range(args.warmup + args.steps):
        started = time.perf_counter()
        inputs = data[step % 2]
        noise = torch.randn(args.batch, LATENT, generator=generator)
        reconstruction, kl = model(inputs, noise)
        # GECO: L = mean KL + lambda C, C = Chat + sg(C_ma - Chat). Chat is the RE constraint as tame reduces it:
        # per-image sum of squared errors, batch mean, minus D kappa^2 (MSE / kappa^2 - 1 up to the factor D kappa^2).
        # C_ma is the moving average, detached (tame keeps it as a tensor and reads it back). Lambda is a plain float:
        # the multiplier controller's update is host arithmetic on read-back scalars, so it is left out.
        kl_mean = kl.mean()
        constraint = (inputs - reconstruction).square().reshape(args.batch, -1).sum(dim=1).mean() - dimensions * KAPPA**2
        batch_value = constraint.detach()
        moving_average = batch_value if moving_average is None else MOVING_AVERAGE_DECAY * moving_average + (1 - MOVING_AVERAGE_DECAY) * batch_value
        loss = kl_mean + MULTIPLIER * (constraint + (moving_average - batch_value))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        # tame's trainer computes the global gradient norm and reads every logged scalar back once per step.
        norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad) for p in model.parameters()]))
        torch.stack([loss.detach(), norm, kl_mean.detach(), batch_value, moving_average]).tolist()
        optimizer.step()
        if step >= args.warmup:
            durations.append((time.perf_counter() - started) * 1000)

    ms_per_step = statistics.median(durations)
    result = {
        'peer': 'pytorch',
        'version': torch.__version__,
        'backend': 'cpu',
        'model': 'conv-vae reference',
        'threads': torch.get_num_threads(),
        'batch': args.batch,
        'msPerStep': round(ms_per_step, 2),
        'imagesPerSecond': round(args.batch * 1000 / ms_per_step, 1),
        'steps': args.steps,
        # ru_maxrss is in KiB on Linux.
        'peakRssMiB': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(result, separators=(',', ':')))
    else:
        print(f"pytorch {result['version']} cpu, reference conv VAE ({parameters:,} parameters), batch {args.batch}, "
              f"{result['threads']} thread(s): {result['msPerStep']} ms/step, {result['imagesPerSecond']} images/s "
              f"(median of {args.steps} steps), peak RSS {result['peakRssMiB']} MiB")


if __name__ == '__main__':
    main()
