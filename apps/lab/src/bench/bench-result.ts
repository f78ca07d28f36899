import type { BackendName } from '@tame/backend';
import type { BenchModelId } from './bench-models.js';

/** What one bench process measures. */
export interface BenchRequest {
  readonly backend: BackendName;
  readonly model: BenchModelId;
  readonly threads: number;
  readonly batch: number;
  readonly warmup: number;
  readonly steps: number;
}

/** One line of `tame bench --json`. */
export interface BenchResult {
  readonly backend: BackendName;
  /** Model and preset, e.g. 'conv-vae reference'. */
  readonly model: string;
  /** wasm threads; null on backends that size their own pool. */
  readonly threads: number | null;
  readonly batch: number;
  /** Median wall time of a training step. */
  readonly msPerStep: number;
  readonly imagesPerSecond: number;
  /** Timed steps the median is over (after the warm-up). */
  readonly steps: number;
  /** Peak resident memory of the process that trained it. */
  readonly peakRssMiB: number;
  /** Tensors alive after the timed steps minus before them: 0 when nothing leaks. */
  readonly tensorGrowth: number;
}

/** The PyTorch line of `tame bench --json` (apps/lab/bench/pytorch-peer.py). */
export interface PeerResult {
  readonly peer: 'pytorch';
  readonly version: string;
  readonly backend: 'cpu';
  readonly model: string;
  readonly threads: number;
  readonly batch: number;
  readonly msPerStep: number;
  readonly imagesPerSecond: number;
  readonly steps: number;
  readonly peakRssMiB: number;
}
