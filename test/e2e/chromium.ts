import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

/** Debian's package; CI installs it (.ci/run). Tests that need it skip, and say why, where it is absent. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);

export interface PageCheck {
  png: Buffer;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every URL the page asked for, the page itself included. */
  requests: string[];
  /** Page coordinates of elements, by selector, for checks of what a person sees where. */
  tops: Record<string, number>;
  text: string;
}

/** Opens a file in headless Chromium, offline, and returns what a person would see and what went wrong. */
export async function openInChromium(file: string, selectors: readonly string[] = []): Promise<PageCheck> {
  const profile = await mkdtemp(join(tmpdir(), 'phi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const tops: Record<string, number> = {};
    for (const selector of selectors) tops[selector] = (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN;
    return { png: await page.screenshot(), problems, requests, tops, text: await page.innerText('body') };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Standard deviation of the screenshot's luminance: 0 for a blank page, well above 10 for text, tables and bars. */
export function luminanceSpread(png: Buffer): { width: number; height: number; spread: number } {
  const image = PNG.sync.read(png);
  let sum = 0;
  let squares = 0;
  const pixels = image.width * image.height;
  for (let i = 0; i < image.data.length; i += 4) {
    const y = 0.2126 * image.data[i]! + 0.7152 * image.data[i + 1]! + 0.0722 * image.data[i + 2]!;
    sum += y;
    squares += y * y;
  }
  const mean = sum / pixels;
  return { width: image.width, height: image.height, spread: Math.sqrt(squares / pixels - mean * mean) };
}
