// Issue 7: a village clerk sees their community's case and not another division's — neither
// in the queue nor by typing its number.
import assert from 'node:assert/strict';
import { staffLogin } from './common.mjs';

export default async function staffScope({ page, baseUrl, shot, args, expectConsoleError }) {
  // From the applicant's site to the console (a bundle of its own, loaded on arrival).
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: '工作人员' }).click();
  await page.locator('#staff-username').waitFor();
  assert.equal(await page.title(), '计生证件网上办 · 工作人员');
  await staffLogin(page, baseUrl, 'demo-village');
  await page.locator(`#queue tr[data-number="${args.own}"]`).waitFor();
  assert.equal(await page.locator(`#queue tr[data-number="${args.other}"]`).count(), 0);
  await shot('queue');

  // Pages of ten: the eleventh case is on the second page, and back again.
  await page.locator('#filter-limit').selectOption('10');
  await page.locator('#filter-apply').click();
  await page.locator('#queue-count', { hasText: /本页 10 件/ }).waitFor();
  await page.locator('#queue-next').click();
  await page.locator('#queue-count', { hasText: /本页 1 件/ }).waitFor();
  assert.ok(await page.locator('#queue-next').isDisabled(), 'the last page');
  await page.locator('#queue-previous').click();
  await page.locator('#queue-count', { hasText: /本页 10 件/ }).waitFor();
  assert.ok(await page.locator('#queue-previous').isDisabled(), 'the first page');

  // Outside the division the case answers as a missing one (issue 18).
  expectConsoleError(/404/);
  await page.locator('#queue-search').fill(args.other);
  await page.locator('#queue-open').click();
  const failure = page.locator('#case-failure[data-not-found="true"]');
  await failure.waitFor();
  assert.match(await failure.textContent(), /辖区/);
  assert.equal(await page.locator('#applicant-name').count(), 0, 'nothing of the case is shown');
  await shot('out-of-scope');
}
