// Tracking after a staff return (set up through the API): the complete list of what is
// missing, added here and resubmitted; the case goes back to the office. Then a case past its
// limit: the red flag, the late step and the red light in the timeline.
import assert from 'node:assert/strict';
import { upload } from './common.mjs';

export default async function trackReturn({ page, baseUrl, shot, args }) {
  await page.goto(`${baseUrl}/track?number=${args.number}`);
  await page.locator('#track-code').fill(args.code);
  await page.locator('#track-submit').click();
  await page.locator('#case[data-state="returned"]').waitFor();
  assert.match(await page.locator('#case-state').textContent(), /已退回/);
  const missing = await page.locator('#missing li').evaluateAll((els) => els.map((e) => e.dataset.material));
  assert.deepEqual(missing.sort(), ['hukou_book', 'marriage_cert']);
  await page.locator('#timeline li[data-action="return"]', { hasText: '请补充原件照片' }).waitFor();
  // Times in China time (the server's clock stands at 10:00 CST), whatever the browser's zone.
  assert.equal(await page.locator('#timeline li[data-action="submit"] time').textContent(), `${args.day} 10:00`);
  await shot('returned');

  // Sending with one item still missing names it.
  await upload(page, 'hukou_book');
  await page.locator('#resubmit').click();
  await page.locator('#error-summary a', { hasText: '请上传：结婚证' }).waitFor();
  await shot('returned-missing');

  await upload(page, 'marriage_cert');
  await page.locator('#resubmit').click();
  await page.locator('#case[data-state="submitted"]').waitFor();
  await page.locator('#timeline li[data-action="resubmit"]').waitFor();
  await shot('resubmitted');

  // A case past its limit shows red, names the late step and has the red light on record.
  await page.locator('#track-number').fill(args.late_number);
  await page.locator('#track-code').fill(args.late_code);
  await page.locator('#track-submit').click();
  await page.locator(`#case h2`, { hasText: args.late_number }).waitFor();
  assert.match(await page.locator('#red-flag').textContent(), /已超过办理时限.*审批决定/);
  await page.locator('.deadlines li.late').first().waitFor();
  await page.locator('#timeline li[data-action="red_light"]', { hasText: '亮红灯：审批决定应于' }).waitFor();
  await shot('overdue');
}
