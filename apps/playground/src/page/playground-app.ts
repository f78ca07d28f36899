import { type ConvVaeModel, createConvVaeModel } from '@tame/conv-vae';
import { type MultiplierControllerConfig, type MultiplierControllerKind, multiplierControllers, recommendedGecoOptions, type StepEvent } from '@tame/core';
import * as tf from '@tensorflow/tfjs-core';
import { type BackendRequest, isBackendRequest, playgroundBackends, startBackend } from '../backend/start-backend.js';
import { createMetricHistory } from '../charts/metric-history.js';
import { renderCharts } from '../charts/render-charts.js';
import { loadDigits, type PlaygroundDigits } from '../data/load-digits.js';
import { drawDigitGrid, interleaveRows } from '../images/draw-digit-grid.js';
import { computeModelPreviews } from '../images/model-previews.js';
import { constraintName, createRetargetableGeco, type RetargetableGeco } from '../training/retargetable-geco.js';
import { isModelSize, modelSizes, type ModelSize } from '../training/model-sizes.js';
import { startTrainingRun, type TrainingRun } from '../training/training-run.js';
import { fillSelect, type PageElements } from './page-elements.js';
import { publishState, type PlaygroundStatus } from './page-state.js';
import { kappaRange, type PlaygroundOptions } from './query-options.js';

/** Reconstructions and samples are redrawn at most this often (and at the last step). */
const previewIntervalMilliseconds = 600;
/** Steps before the speed is measured: the first ones compile shaders or warm up wasm. */
const warmupSteps = 3;
const previewColumns = 8;
const sampleCount = 16;
const sampleSeed = 1;

interface Session {
  readonly model: ConvVaeModel;
  readonly geco: RetargetableGeco;
  readonly run: TrainingRun;
  /** Set once the run has ended (completed, stopped or failed). */
  ended: boolean;
}

/** The controller config the page uses for a kind: the recommended gains for pi, each controller's defaults otherwise. */
function controllerConfig(kind: MultiplierControllerKind): MultiplierControllerConfig {
  return kind === recommendedGecoOptions.controller.kind ? recommendedGecoOptions.controller : { kind };
}

/**
 * The page: loads a backend and the digits, then trains on Start, pauses, resets; κ and the controller re-target the
 * running objective; charts redraw once per animation frame, the images every ~0.6 s.
 */
export async function startPlayground(elements: PageElements, options: PlaygroundOptions): Promise<void> {
  const history = createMetricHistory();
  let backendRequest: BackendRequest = options.backend;
  let digits: PlaygroundDigits | undefined;
  let session: Session | undefined;
  let status: PlaygroundStatus = 'loading';
  let chartsDirty = true;
  let lastPreview = 0;
  let speed = { steps: 0, milliseconds: 0, lastStepEnd: 0 };

  const setStatus = (next: PlaygroundStatus) => {
    status = next;
    elements.statusBadge.textContent = next;
    publishState({ status: next });
    const running = session !== undefined && !session.ended;
    elements.startButton.disabled = next === 'loading' || next === 'error';
    elements.startButton.textContent = next === 'training' ? 'Pause' : next === 'paused' ? 'Resume' : 'Start';
    elements.resetButton.disabled = session === undefined;
    elements.modelSelect.disabled = running || next === 'loading';
    elements.backendSelect.disabled = running || next === 'loading';
  };

  const showError = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    elements.errorBox.textContent = `Error: ${message}`;
    elements.errorBox.hidden = false;
    console.error(error);
    session?.run.stop();
    setStatus('error');
    publishState({ error: message });
  };
  window.addEventListener('error', (event) => showError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => showError(event.reason));

  const useBackend = async (request: BackendRequest) => {
    const started = await startBackend(request);
    backendRequest = request;
    elements.backendBadge.textContent = started.name;
    elements.backendBadge.title = started.skipped.length === 0 ? '' : `not used: ${started.skipped.join('; ')}`;
    publishState({ backend: started.name, tensors: tf.memory().numTensors });
  };

  const drawFrame = () => {
    if (chartsDirty) {
      chartsDirty = false;
      renderCharts(elements.charts, history.points());
    }
    requestAnimationFrame(drawFrame);
  };

  const drawOriginals = (reconstructions?: Float32Array, samples?: Float32Array) => {
    if (digits === undefined) return;
    const { previewImages, previewCount, shape } = digits;
    const imageSize = shape[0] * shape[1];
    const layout = { columns: previewColumns, height: shape[0], width: shape[1] };
    const rows = interleaveRows(previewImages, reconstructions ?? new Float32Array(previewImages.length), previewCount, previewColumns, imageSize);
    drawDigitGrid(elements.reconstructionsCanvas, rows, rows.length / imageSize, layout);
    drawDigitGrid(elements.samplesCanvas, samples ?? new Float32Array(sampleCount * imageSize), sampleCount, layout);
  };

  const refreshPreviews = async (model: ConvVaeModel) => {
    if (digits === undefined) return;
    const previews = await computeModelPreviews(
      model,
      { values: digits.previewImages, count: digits.previewCount, shape: digits.shape },
      sampleCount,
      sampleSeed,
    );
    drawOriginals(previews.reconstructions, previews.samples);
  };

  const onStep = async (event: StepEvent, model: ConvVaeModel) => {
    const { metrics } = event;
    const point = history.push({
      step: event.step,
      kl: metrics.kl ?? Number.NaN,
      error: metrics[`${constraintName}.rmse`] ?? Number.NaN,
      batchError: metrics[`${constraintName}.batchRmse`] ?? Number.NaN,
      lambda: metrics[`${constraintName}.multiplier`] ?? Number.NaN,
      kappa: metrics[`${constraintName}.kappa`] ?? Number.NaN,
    });
    chartsDirty = true;
    const now = performance.now();
    if (event.step > warmupSteps && speed.lastStepEnd > 0) {
      speed.steps += 1;
      speed.milliseconds += now - speed.lastStepEnd;
    }
    speed.lastStepEnd = now;
    if (now - lastPreview > previewIntervalMilliseconds || event.step === event.totalSteps) {
      lastPreview = now;
      await refreshPreviews(model);
    }
    const stepsPerSecond = speed.milliseconds > 0 ? (1000 * speed.steps) / speed.milliseconds : 0;
    const tensors = tf.memory().numTensors;
    elements.readout.step.textContent = `${event.step} / ${event.totalSteps}`;
    elements.readout.kl.textContent = point.klSmoothed.toFixed(2);
    elements.readout.error.textContent = point.error.toFixed(4);
    elements.readout.lambda.textContent = point.lambda.toPrecision(4);
    elements.readout.speed.textContent = stepsPerSecond > 0 ? stepsPerSecond.toFixed(1) : '–';
    elements.readout.tensors.textContent = String(tensors);
    publishState({ step: event.step, lambda: point.lambda, kl: point.kl, kappa: point.kappa, tensors, stepsPerSecond });
    // Time spent paused is not training time.
    speed.lastStepEnd = performance.now();
  };

  const currentKappa = () => Number(elements.kappaInput.value);
  const currentController = () => elements.controllerSelect.value as MultiplierControllerKind;

  const startSession = async () => {
    if (digits === undefined) return;
    const request = elements.backendSelect.value;
    if (isBackendRequest(request) && request !== backendRequest) await useBackend(request);
    const selected = elements.modelSelect.value;
    const size = modelSizes[isModelSize(selected) ? selected : options.model];
    const model = createConvVaeModel({ ...size.config, name: 'playground', seed: options.seed });
    const geco = createRetargetableGeco({ kappa: currentKappa(), controller: controllerConfig(currentController()) }, model.config.dataShape.reduce((a, b) => a * b, 1));
    history.clear();
    chartsDirty = true;
    lastPreview = 0;
    speed = { steps: 0, milliseconds: 0, lastStepEnd: 0 };
    const run = startTrainingRun({
      model,
      objective: geco.objective,
      dataset: digits.dataset,
      steps: options.steps,
      batchSize: options.batchSize,
      learningRate: size.learningRate,
      seed: options.seed,
      onStep: (event) => onStep(event, model),
    });
    const current: Session = { model, geco, run, ended: false };
    session = current;
    setStatus('training');
    publishState({ step: 0 });
    run.finished.then(
      (result) => {
        current.ended = true;
        if (session !== current || status === 'error') return;
        setStatus(result.reason === 'completed' ? 'done' : 'idle');
      },
      (error: unknown) => {
        current.ended = true;
        if (session === current) showError(error);
      },
    );
  };

  const reset = async () => {
    const ending = session;
    session = undefined;
    if (ending !== undefined) {
      ending.run.stop();
      await ending.run.finished.catch(() => undefined);
      ending.model.dispose();
    }
    history.clear();
    chartsDirty = true;
    drawOriginals();
    elements.errorBox.hidden = true;
    elements.readout.step.textContent = '0';
    publishState({ step: 0, tensors: tf.memory().numTensors, stepsPerSecond: 0, error: '' });
    setStatus('idle');
  };

  elements.startButton.addEventListener('click', () => {
    if (status === 'training') {
      session?.run.pause();
      setStatus('paused');
    } else if (status === 'paused') {
      session?.run.resume();
      setStatus('training');
    } else {
      // A finished run is kept on screen until the next start.
      (session === undefined ? Promise.resolve() : reset()).then(startSession).catch(showError);
    }
  });
  elements.resetButton.addEventListener('click', () => void reset().catch(showError));
  const showKappa = () => (elements.kappaOutput.value = currentKappa().toFixed(3));
  elements.kappaInput.addEventListener('input', () => {
    showKappa();
    session?.geco.retarget({ kappa: currentKappa() });
    elements.kappaInput.setAttribute('aria-valuetext', `${currentKappa()} per-pixel RMSE`);
  });
  elements.controllerSelect.addEventListener('change', () => session?.geco.retarget({ controller: controllerConfig(currentController()) }));
  elements.backendSelect.addEventListener('change', () => {
    const request = elements.backendSelect.value;
    if (session === undefined && isBackendRequest(request)) {
      setStatus('loading');
      useBackend(request).then(() => setStatus('idle'), showError);
    }
  });

  Object.assign(elements.kappaInput, { min: kappaRange.minimum, max: kappaRange.maximum, step: kappaRange.step, value: options.kappa });
  showKappa();
  fillSelect(
    elements.controllerSelect,
    Object.values(multiplierControllers).map((controller) => ({ value: controller.kind, label: controller.kind, title: controller.description })),
    options.controller,
  );
  fillSelect(elements.modelSelect, (Object.keys(modelSizes) as ModelSize[]).map((size) => ({ value: size, label: size })), options.model);
  fillSelect(elements.backendSelect, ['auto', ...playgroundBackends].map((name) => ({ value: name, label: name })), options.backend);
  setStatus('loading');
  requestAnimationFrame(drawFrame);

  await useBackend(options.backend);
  digits = await loadDigits('mnist-digits.bin');
  drawOriginals();
  setStatus('idle');
  publishState({ step: 0 });
  if (options.autostart) await startSession();
}
