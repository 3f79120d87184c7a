// Issue 7: window mode — a village clerk looks the applicant up in the population database,
// takes the 婚育情况证明 application with the originals seen at the window, and issues it on
// the spot. Someone the database does not hold is told apart.
import assert from 'node:assert/strict';
import { caseState, staffLogin } from './common.mjs';

export default async function staffWindow({ page, baseUrl, shot, expectConsoleError }) {
  await staffLogin(page, baseUrl, 'demo-village');
  await page.locator('#nav-window').click();
  await page.locator('#window-service-marital_status_proof').check();

  expectConsoleError(/404/);
  await page.locator('#registry-id').fill('420704199001011231');
  await page.locator('#registry-lookup').click();
  await page.locator('#registry-failure', { hasText: '承诺' }).waitFor();

  await page.locator('#registry-id').fill('500116199203040025');
  await page.locator('#registry-lookup').click();
  await page.locator('#registry-person', { hasText: '陈晓梅' }).waitFor();
  await shot('registry');
  await page.locator('#window-from-registry').click();

  // The applicant's own check, answered from the registry.
  await page.locator('#outcome[data-eligible="true"]').waitFor();
  await page.locator('#window-mode', { hasText: '四牌坊社区' }).waitFor();
  await page.locator('#start-application').click();
  assert.equal(await page.locator('#applicant-name').inputValue(), '陈晓梅');
  assert.equal(await page.locator('#applicant-id').inputValue(), '500116199203040025');
  await page.locator('#applicant-phone').fill('13800138000');
  // Originals seen at the window instead of scans.
  for (const box of await page.locator('.seen input[type="checkbox"]').all()) await box.check();
  const commitment = page.locator('#commitment');
  if (await commitment.count()) await commitment.check();
  await shot('form');
  await page.locator('#to-review').click();
  await page.locator('#submit-application').click();
  await page.locator('#case-number').waitFor();
  await page.locator('#window-case-link').click();

  await caseState(page, 'submitted');
  await page.locator('#materials .seen').first().waitFor();
  await page.locator('#do-issue').click();
  await caseState(page, 'issued');
  await shot('issued');
}
