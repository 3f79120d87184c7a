// Runs one browser flow: node tests/browser/run.mjs <flow> <base-url>
// Launches Debian's Chromium with the flags this machine needs (ARCHITECTURE recipe), fails
// the flow on any page error or console error (a wasm panic shows up as one), checks every
// page it photographs with axe-core (any violation fails), and saves screenshots at phone and
// desktop sizes under $SCREENSHOT_DIR. FLOW_ARGS (JSON) passes set-up data to the flow.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
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
// An API 4xx is an answer the app handles (a 422 listing problems, a 404 for a wrong access
// code); Chromium still logs it as a console error, so those lines are left out. Any 5xx, and a
// 4xx for anything but the API (a missing asset or data file), fails the flow.
// A flow that breaks something on purpose (the network) says which console errors to expect.
const expected = [/^Failed to load resource: the server responded with a status of 4\d\d/];
const expectConsoleError = (pattern) => expected.push(pattern);
page.on('console', (m) => {
  if (m.type() === 'error' && !expected.some((p) => p.test(m.text()))) {
    problems.push(`console error: ${m.text()}`);
  }
});
page.on('response', (r) => {
  const api = new URL(r.url()).pathname.startsWith('/api/');
  if (r.status() >= 500 || (r.status() >= 400 && !api)) problems.push(`HTTP ${r.status()} from ${r.url()}`);
});

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const audited = [];

/** Runs axe-core on the current page; any violation fails the flow, listed in full. */
async function axe(name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document));
  const found = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  audited.push(name);
  if (found.length) throw new Error(`axe found ${found.length} violation(s) on ${name}:\n${found.join('\n')}`);
}

/** Saves the current page at both sizes as <flow>-<name>-<size>.png, after checking it with axe. */
async function shot(name) {
  await axe(name);
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: join(shotDir, `${flowName}-${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(VIEWPORTS.phone);
}

let failed = false;
try {
  const flow = (await import(`./flows/${flowName}.mjs`)).default;
  const args = JSON.parse(process.env.FLOW_ARGS ?? '{}');
  await flow({ page, baseUrl, shot, axe, args, expectConsoleError });
  if (problems.length) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  console.log(`flow ${flowName}: axe found no violation on ${audited.length} page(s): ${audited.join(', ')}`);
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
