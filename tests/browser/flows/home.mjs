// The home page: Chinese first, the four services, the server's health, then English.
import assert from 'node:assert/strict';

export default async function home({ page, baseUrl, shot, expectConsoleError }) {
  await page.goto(`${baseUrl}/`);

  // The Chinese page rendered by the wasm app (not the static index.html).
  await page.getByRole('heading', { level: 1, name: '计生证件网上办' }).waitFor();
  for (const name of ['生育服务证', '再生育服务证', '独生子女父母光荣证', '婚育情况证明']) {
    await page.getByRole('heading', { level: 3, name, exact: true }).waitFor();
  }
  assert.equal(await page.locator('li.service').count(), 4);

  // The health status came from /api/health.
  const health = page.locator('#health[data-state="ok"]');
  await health.waitFor();
  const healthText = await health.textContent();
  assert.match(healthText, /服务器状态：正常/);
  assert.match(healthText, /（版本 \d+\.\d+\.\d+）/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await shot('zh');

  // The content security policy is in force (issue 18): an inline script is refused, which
  // is also why the app itself loads only from files.
  expectConsoleError(/Content Security Policy/);
  const injected = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.append(script);
    setTimeout(() => resolve(window.__injected ? 'ran' : 'no violation reported'), 2000);
  }));
  assert.match(injected, /^script-src/);

  // English on request, remembered across a reload.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Family-Planning Certificates Online' }).waitFor();
  await page.getByRole('heading', { level: 3, name: 'Re-birth service certificate' }).waitFor();
  await page.locator('#health[data-state="ok"]', { hasText: /^Server status: OK \(version \d+\.\d+\.\d+\)$/ }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await shot('en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Family-Planning Certificates Online' }).waitFor();
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { level: 1, name: '计生证件网上办' }).waitFor();

  // A client route that does not exist is the SPA's own not-found page.
  await page.goto(`${baseUrl}/no/such/page`);
  await page.getByRole('heading', { level: 1, name: '页面不存在' }).waitFor();
}
