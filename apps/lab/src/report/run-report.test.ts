import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInBrowser, findChromium } from './headless-browser.js';
import { imageGrid } from './image-grid.js';
import { encodePng } from './png.js';
import { type MetricsRow, renderRunReport } from './run-report.js';

function syntheticRun(): MetricsRow[] {
  // A GECO-like trajectory: RE (per-image units) falls through zero, lambda rises then falls, KL rises then settles.
  return Array.from({ length: 60 }, (_, index) => {
    const step = (index + 1) * 10;
    const value = 20 * Math.exp(-step / 150) - 2;
    return { step, loss: 100 + 50 * Math.exp(-step / 200), kl: 30 + 20 * Math.sin(step / 200), 're.value': value + 0.5 * Math.sin(step), 're.movingAverage': value, 're.multiplier': 50 * Math.exp(3 * Math.sin(step / 200)) };
  });
}

function renderSyntheticReport(): string {
  const png = encodePng(imageGrid(Float32Array.from({ length: 4 * 28 * 28 }, (_, index) => (index % 28) / 27), [4, 28, 28, 1], { scale: 2 }));
  return renderRunReport({
    title: 'synthetic <run>',
    config: { model: { id: 'conv-vae' }, training: { steps: 600 } },
    summary: { step: 600, constraintsSatisfied: true, testKl: 31.234567 },
    metrics: syntheticRun(),
    constraints: [{ name: 're', kappa: 0.1, units: 'per-pixel RMSE', toUnits: (value) => Math.sqrt(Math.max(0, 7.84 + value) / 784) }],
    images: [
      { caption: 'reconstructions', png },
      { caption: 'samples', png },
    ],
  });
}

describe('run report', () => {
  it('is one self-contained file: no script and no external resource', () => {
    const html = renderSyntheticReport();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    expect(html).toContain('synthetic &#60;run&#62;');
    expect(html).toContain('κ = 0.1');
    expect(html.match(/<svg /g)).toHaveLength(4);
  });

  it('renders in headless Chromium without console errors, with its charts and images visible', async () => {
    expect(findChromium(), 'Chromium is needed for this test: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH').toBeDefined();
    const directory = await mkdtemp(join(tmpdir(), 'tame-report-'));
    const path = join(directory, 'report.html');
    await writeFile(path, renderSyntheticReport());
    const check = await checkInBrowser(path, { screenshotPath: join(directory, 'report.png') });
    expect(check.problems).toEqual([]);
    expect(check.chartWidths).toHaveLength(4);
    expect(check.chartWidths.every((width) => width > 200)).toBe(true);
    const gridWidth = 2 * (2 * 28 + 1) + 1; // two columns of 2x-scaled 28-pixel images, 1-pixel padding
    expect(check.imageWidths).toEqual([gridWidth, gridWidth]);
    expect(check.pointCount).toBe(60);
    expect(check.screenshot.length).toBeGreaterThan(10_000);
  });
});
