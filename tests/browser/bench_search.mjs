// The division search's time per keystroke (issue 22): node tests/browser/bench_search.mjs <base-url>
// Debian's Chromium with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate, as Lighthouse's
// mobile profile does); each keystroke is measured from the input event to the next animation
// frame, by when the results are in the page, over the whole country's provinces to townships.
// The server's village search is answered at once while typing (its own cost is measured
// after, as the page fetches it: cold, the index loads; then warm).
// Prints one JSON object.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [baseUrl] = process.argv.slice(2);
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'jisheng-bench-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 390, height: 844 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(60_000);
await page.goto(`${baseUrl}/check/birth_service/where`);
const search = page.locator('#where-search');
await search.focus();
await search.fill('江');
await page.locator('#where-results li').first().waitFor();
await search.fill('');

// The browser's own cost: the server's village search (measured below) answers at once here,
// so its CPU on this same machine does not count against the page.
await page.route('**/api/divisions/search**', (r) => r.fulfill({ json: { results: [] } }));
const cdp = await context.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const QUERIES = ['四牌坊', '双凤桥街道', '江津', 'ybq', 'jjjd', '东城', '长春', 'xfc', '中山路', '鄂州'];
const times = await page.evaluate(async (queries) => {
  const input = document.querySelector('#where-search');
  const out = [];
  for (const q of queries) {
    for (let i = 1; i <= q.length; i += 1) {
      const start = performance.now();
      input.value = q.slice(0, i);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
      out.push(performance.now() - start);
    }
    input.value = '';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => r()));
  }
  return out;
}, QUERIES);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
await page.unroute('**/api/divisions/search**');

const server = await page.evaluate(async () => {
  const once = async (q) => {
    const start = performance.now();
    const r = await fetch(`/api/divisions/search?q=${encodeURIComponent(q)}`);
    await r.json();
    return performance.now() - start;
  };
  const cold = await once('四牌坊');
  const warm = [];
  for (const q of ['四牌坊', 'spfsq', '幸福村', '新村', 'xfc', '社区居民委员会']) warm.push(await once(q));
  return { cold, warm };
});
await context.close();

const sorted = [...times].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const warm = [...server.warm].sort((a, b) => a - b);
console.log(JSON.stringify({
  keystrokes: times.length,
  median_ms: pct(0.5),
  p95_ms: pct(0.95),
  max_ms: sorted[sorted.length - 1],
  server_cold_ms: server.cold,
  server_median_ms: warm[Math.floor(warm.length / 2)],
  server_max_ms: warm[warm.length - 1],
}));
