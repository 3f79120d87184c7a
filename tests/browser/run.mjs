// Runs one browser flow: node tests/browser/run.mjs <flow> <base-url>
// Launches Debian's Chromium with the flags this machine needs (ARCHITECTURE recipe), fails
// the flow on any page error or console error (a wasm panic shows up as one), and saves
// screenshots at phone and desktop sizes under $SCREENSHOT_DIR.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [flowName, baseUrl] = process.argv.slice(2);
if (!flowName || !baseUrl) {
  console.error('usage: node tests/browser/run.mjs <flow> <base-url>');
  process.exit(2);
}
const shotDir = process.env.SCREENSHOT_DIR ?? 'target/screenshots';
mkdirSync(shotDir, { recursive: true });

const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

const userDataDir = mkdtempSync(join(tmpdir(), 'jisheng-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: VIEWPORTS.phone,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run',
  ],
});
const problems = [];
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(20_000);
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });

/** Saves the current page at both sizes as <flow>-<name>-<size>.png. */
async function shot(name) {
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(shotDir, `${flowName}-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.phone);
}

let failed = false;
try {
  const flow = (await import(`./flows/${flowName}.mjs`)).default;
  await flow({ page, baseUrl, shot });
  if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  console.log(`flow ${flowName}: passed`);
} catch (e) {
  failed = true;
  console.error(`flow ${flowName}: FAILED\n${e.stack ?? e}`);
  await page.screenshot({ path: join(shotDir, `${flowName}-failure.png`), fullPage: true }).catch(() => {});
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
