import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, recordProblems } from './testing/headless-chromium.js';
import { type StaticServer, serveDirectory } from './testing/static-server.js';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** UPDATE_SCREENSHOT=1 writes the README's screenshot (docs/playground.png); PLAYGROUND_STEPS sets that run's length. */
const updateScreenshot = process.env.UPDATE_SCREENSHOT === '1';
const steps = Number(process.env.PLAYGROUND_STEPS ?? 30);

let outDir: string;
let server: StaticServer;
let browser: Browser;

/** The page's data attributes, read in the page (a string, not a function: nothing of the test's transform leaks in). */
const readState = (page: Page) => page.evaluate('({ ...document.body.dataset })') as Promise<Record<string, string>>;

async function waitForStatus(page: Page, statuses: readonly string[], timeout: number): Promise<Record<string, string>> {
  await page.waitForFunction(`${JSON.stringify(statuses)}.includes(document.body.dataset.status)`, { timeout, polling: 100 });
  return readState(page);
}

async function openPage(query: string): Promise<{ page: Page; problems: ReturnType<typeof recordProblems> }> {
  const page = await browser.newPage();
  const problems = recordProblems(page);
  // The page's own height at this width: the full-page screenshot has no empty band below it.
  await page.setViewport({ width: 1280, height: 760 });
  await page.goto(`${server.url}?${query}`, { waitUntil: 'load' });
  return { page, problems };
}

beforeAll(async () => {
  expect(findChromium(), 'Chromium is needed for this test: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH').toBeDefined();
  outDir = await mkdtemp(join(tmpdir(), 'tame-playground-'));
  await build({ root: appRoot, configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await serveDirectory(outDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
});

describe('the playground in headless Chromium', () => {
  it(`trains ${steps} steps on autostart: lambda moves, charts and images render, no tensor leaks, no console error`, async () => {
    const { page, problems } = await openPage(`autostart=1&steps=${steps}`);
    // Early in the run, after the optimizer has created its moments: the count every later step must keep.
    await page.waitForFunction('Number(document.body.dataset.step) >= 3', { timeout: 60_000, polling: 50 });
    const early = await readState(page);
    const state = await waitForStatus(page, ['done', 'error'], 60_000 + steps * 1_000);

    expect(state.error ?? '', 'the page shows an error').toBe('');
    expect(state.status).toBe('done');
    expect(['webgl', 'wasm', 'cpu', 'webgpu']).toContain(state.backend);
    expect(Number(state.step)).toBe(steps);
    expect(Number(state.tensors), 'tf.memory().numTensors grew across steps').toBe(Number(early.tensors));
    const lambda = Number(state.lambda);
    // lambda starts at 1 (recommendedGecoOptions) and the error is far above kappa this early: the controller raised it.
    expect(lambda).toBeGreaterThan(1);
    expect(Number.isFinite(lambda)).toBe(true);
    expect(Number(state.kl)).toBeGreaterThan(0);
    expect(Number(state.kappa)).toBe(0.16);
    expect(Number(state.stepsPerSecond)).toBeGreaterThan(0);
    expect(await page.$eval('#backend-badge', (element) => element.textContent)).toBe(state.backend);

    const drawn = (await page.evaluate(`(() => {
      const paths = (id) => [...document.querySelectorAll('#' + id + ' path.chart-line')].map((path) => (path.getAttribute('d') || '').split('L').length);
      const canvas = (id) => {
        const element = document.getElementById(id);
        const pixels = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
        const greys = new Set();
        for (let offset = 0; offset < pixels.length; offset += 4) greys.add(pixels[offset]);
        return { width: element.width, height: element.height, greys: greys.size };
      };
      // The mean brightness of the second row of the reconstructions canvas (the first row's reconstructions).
      const reconstructionRow = (() => {
        const element = document.getElementById('reconstructions-canvas');
        const pixels = element.getContext('2d').getImageData(0, 29, element.width, 28).data;
        let sum = 0;
        for (let offset = 0; offset < pixels.length; offset += 4) sum += pixels[offset];
        return sum / (pixels.length / 4);
      })();
      return {
        kl: paths('chart-kl'), error: paths('chart-error'), lambda: paths('chart-lambda'),
        planePoints: document.querySelectorAll('#chart-plane circle').length,
        reconstructions: canvas('reconstructions-canvas'), samples: canvas('samples-canvas'), reconstructionRow,
        errorShown: !document.getElementById('error-box').hidden,
      };
    })()`)) as {
      kl: number[];
      error: number[];
      lambda: number[];
      planePoints: number;
      reconstructions: { width: number; height: number; greys: number };
      samples: { width: number; height: number; greys: number };
      reconstructionRow: number;
      errorShown: boolean;
    };
    // Every line has a point per recorded step (each step up to 800, then every other old one): batch and smoothed
    // KL; batch error, its moving average and kappa; lambda; and as many dots on the information plane.
    const recorded = drawn.planePoints;
    expect(recorded).toBeLessThanOrEqual(steps);
    expect(recorded).toBeGreaterThanOrEqual(Math.min(steps, 400));
    expect(drawn.kl).toEqual([recorded, recorded]);
    expect(drawn.error).toEqual([recorded, recorded, recorded]);
    expect(drawn.lambda).toEqual([recorded]);
    // 16 held-out digits and their reconstructions (4 rows of 8), 16 samples (2 rows of 8): 28 px and a 1 px gap.
    expect(drawn.reconstructions).toMatchObject({ width: 8 * 29 - 1, height: 4 * 29 - 1 });
    expect(drawn.samples).toMatchObject({ width: 8 * 29 - 1, height: 2 * 29 - 1 });
    // Not blank: many grey levels, and the reconstructions row is not the black placeholder.
    expect(drawn.reconstructions.greys).toBeGreaterThan(50);
    expect(drawn.samples.greys).toBeGreaterThan(50);
    expect(drawn.reconstructionRow).toBeGreaterThan(10);
    expect(drawn.errorShown).toBe(false);

    expect(problems.errors).toEqual([]);
    const screenshotPath = updateScreenshot ? join(appRoot, 'docs', 'playground.png') : join(outDir, 'playground.png');
    await mkdir(dirname(screenshotPath), { recursive: true });
    const screenshot = await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(screenshot.length).toBeGreaterThan(50_000);
    await page.close();
  }, 120_000 + steps * 1_000);

  it('pauses, re-targets kappa and the controller mid-run, resumes and resets to an empty model', async () => {
    const { page, problems } = await openPage('autostart=1&steps=100000&controller=pid');
    await page.waitForFunction('Number(document.body.dataset.step) >= 5', { timeout: 60_000, polling: 50 });
    await page.click('#start-button'); // Pause
    const paused = await waitForStatus(page, ['paused'], 10_000);
    await new Promise((resolveWait) => setTimeout(resolveWait, 400));
    expect((await readState(page)).step, 'training went on while paused').toBe(paused.step);

    await page.evaluate(`(() => {
      const kappa = document.getElementById('kappa-input');
      kappa.value = '0.25';
      kappa.dispatchEvent(new Event('input'));
      const controller = document.getElementById('controller-select');
      controller.value = 'asymmetric';
      controller.dispatchEvent(new Event('change'));
    })()`);
    expect(await page.$eval('#kappa-output', (element) => element.textContent)).toBe('0.250');
    await page.click('#start-button'); // Resume
    // The step that was running when kappa changed still trains against 0.16; the ones after against 0.25.
    await page.waitForFunction(`document.body.dataset.kappa === '0.25' && Number(document.body.dataset.step) > ${Number(paused.step) + 1}`, {
      timeout: 30_000,
      polling: 50,
    });
    const kappaLine = (await page.evaluate(
      `[...document.querySelectorAll('#chart-error path.series-kappa')].map((path) => path.getAttribute('d'))[0]`,
    )) as string;
    const kappaHeights = new Set(kappaLine.split(/[ML]/).filter(Boolean).map((point) => point.trim().split(' ')[1]));
    expect(kappaHeights.size, 'the kappa line steps from 0.16 to 0.25').toBe(2);

    await page.click('#reset-button');
    const reset = await waitForStatus(page, ['idle'], 30_000);
    expect(reset.step).toBe('0');
    expect(Number(reset.tensors), 'reset frees the model and the optimizer').toBe(0);
    // The charts redraw on the next animation frame, empty.
    await page.waitForFunction(`document.querySelectorAll('#chart-plane circle').length === 0`, { timeout: 5_000 });
    expect(problems.errors).toEqual([]);
    await page.close();
  });

  it('shows a bad URL parameter on the page and sets data-status=error', async () => {
    const { page } = await openPage('steps=-1');
    const state = await waitForStatus(page, ['error'], 30_000);
    expect(state.error).toBe('URL parameter steps=-1: expected an integer >= 1');
    expect(await page.$eval('#error-box', (element) => [(element as HTMLElement).hidden, element.textContent])).toEqual([
      false,
      'Error: URL parameter steps=-1: expected an integer >= 1',
    ]);
    await page.close();
  });
});
