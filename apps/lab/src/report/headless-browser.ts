import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

/** Chromium from CHROMIUM_PATH or the usual system locations (Debian's `chromium` package is what CI installs). */
export function findChromium(): string | undefined {
  return process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
}

export interface BrowserCheck {
  /** Console errors and warnings, page errors and failed requests, in order. */
  readonly problems: string[];
  readonly chartWidths: number[];
  readonly imageWidths: number[];
  readonly pointCount: number;
  readonly screenshot: Uint8Array;
}

/** Opens an HTML file in headless Chromium, records every problem it reports, measures the layout and screenshots it. */
export async function checkInBrowser(htmlPath: string, options: { screenshotPath?: string; width?: number } = {}): Promise<BrowserCheck> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${(error as Error).message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
    await page.setViewport({ width: options.width ?? 1000, height: 900 });
    await page.goto(`file://${htmlPath}`, { waitUntil: 'load' });
    // A string, not a function: tsx/esbuild would inject helpers (`__name`) that do not exist in the page.
    const layout = (await page.evaluate(`(() => {
      const query = (selector) => [...document.querySelectorAll(selector)];
      return {
        chartWidths: query('svg').map((svg) => svg.getBoundingClientRect().width),
        imageWidths: query('img').map((image) => image.naturalWidth),
        pointCount: query('svg circle').length,
      };
    })()`)) as { chartWidths: number[]; imageWidths: number[]; pointCount: number };
    const screenshot = await page.screenshot({ fullPage: true, ...(options.screenshotPath === undefined ? {} : { path: options.screenshotPath }) });
    return { problems, ...layout, screenshot };
  } finally {
    await browser.close();
  }
}
