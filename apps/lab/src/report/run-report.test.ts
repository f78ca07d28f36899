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

// The summary.json entry of RE after a run that ended at kappa: RMSE 0.10002 (violation (1.0002)^2 - 1 = 0.0004).
const atKappa = {
  kappa: 0.1,
  units: 'per-pixel RMSE',
  movingAverage: 0.10002,
  satisfied: true,
  multiplier: 12.34,
  status: 'at-kappa',
  value: 0.10002,
  violation: 0.0004,
  tolerance: { rule: 'violation', amount: 0.02, limit: 0.100995 },
  test: { value: 0.1013, violation: 0.0262, status: 'violated' },
};

function renderSyntheticReport(): string {
  const png = encodePng(imageGrid(Float32Array.from({ length: 4 * 28 * 28 }, (_, index) => (index % 28) / 27), [4, 28, 28, 1], { scale: 2 }));
  return renderRunReport({
    title: 'synthetic <run>',
    config: { model: { id: 'conv-vae' }, training: { steps: 600 } },
    summary: { step: 600, constraintsSatisfied: true, constraints: { re: atKappa }, testKl: 31.234567 },
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

  it('states each constraint against kappa: the final moving average and the test-set figure, with the tolerance', () => {
    const html = renderSyntheticReport();
    expect(html).toContain(
      '<tr><th>re</th><td>re per-pixel RMSE 0.1000 at κ 0.1 (within 1%; C_ma/budget 0.0004, λ 12.3)</td><td>re per-pixel RMSE 0.1013 &#62; κ 0.1 (violated: beyond 1%; C/budget 0.026)</td></tr>',
    );
    expect(html).toContain('at most 2% of the error budget κ allows (RE, FRE: RMSE within 1% of κ)');
    // A summary.json written before statuses existed still reads: its moving average and C_ma <= 0.
    const older = renderRunReport({
      title: 'older run',
      config: {},
      summary: { step: 3, constraintsSatisfied: false, constraints: { re: { kappa: 0.1, units: 'per-pixel RMSE', movingAverage: 0.10002, satisfied: false, multiplier: 12.3 } } },
      metrics: [],
      constraints: [],
      images: [],
    });
    expect(older).toContain('<tr><th>re</th><td>re 0.1000, κ 0.1 (C_ma &#60;= 0: false)</td><td>n/a</td></tr>');
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
