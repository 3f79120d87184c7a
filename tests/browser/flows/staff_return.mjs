// Issue 7: staff tick every missing item in one go; the applicant's tracking page lists them
// all.
import assert from 'node:assert/strict';
import { caseState, staffLogin, staffLogout } from './common.mjs';

export default async function staffReturn({ page, baseUrl, shot, args }) {
  await staffLogin(page, baseUrl, 'demo-village');
  await page.goto(`${baseUrl}/staff/cases/${args.number}`);
  await caseState(page, 'submitted');
  // A return without a ticked item is refused before it is sent.
  await page.locator('#do-return').click();
  await page.locator('#action-problem', { hasText: '勾选全部缺少的材料' }).waitFor();
  await page.locator('#return-hukou_book').check();
  // Each ticked item says what is wrong with it (000 二(二)2; issue 17).
  await page.locator('#return-hukou_book-defect').selectOption('unreadable');
  await page.locator('#return-hukou_book-detail').fill('户主页不清晰');
  await page.locator('#return-marriage_cert').check();
  // The window issues the 婚育情况证明 itself: the console never offers it (003 三(二)).
  assert.equal(await page.locator('#return-marital_status_proof').count(), 0);
  await page.locator('#return-note').fill('户口簿须含户主页和本人页');
  await shot('return');
  await page.locator('#do-return').click();
  await caseState(page, 'returned');
  await page.locator('#timeline li[data-action="return"]', { hasText: '无法辨认：户口簿（户主页不清晰）' }).waitFor();
  await page.locator('#timeline li[data-action="return"]', { hasText: '缺少：结婚证' }).waitFor();
  await staffLogout(page);

  await page.goto(`${baseUrl}/track?number=${args.number}`);
  await page.locator('#track-code').fill(args.code);
  await page.locator('#track-submit').click();
  await page.locator('#case[data-state="returned"]').waitFor();
  const missing = await page.locator('#missing li').evaluateAll((els) => els.map((e) => e.dataset.material));
  assert.deepEqual(missing.sort(), ['hukou_book', 'marriage_cert']);
  await page.locator('#missing li[data-material="hukou_book"]', { hasText: '无法辨认：户主页不清晰' }).waitFor();
  await page.locator('#timeline li[data-action="return"]', { hasText: '户口簿须含户主页和本人页' }).waitFor();
  await shot('tracking');
}
