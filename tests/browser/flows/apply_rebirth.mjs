// A re-birth application (再生育服务证, 江津区 几江街道) with a disabled second child: several
// pages per material, a PDF, an oversized photo refused in words, an upload that fails on the
// network and is retried, English on the way, and the legal due date on the confirmation.
import assert from 'node:assert/strict';
import { JPEG, PDF, fillPeople, next, pickDivision, question, upload, uploadCodes } from './common.mjs';

export default async function applyRebirth({ page, baseUrl, shot, args, expectConsoleError }) {
  // The printable guide first.
  await page.goto(`${baseUrl}/guide/rebirth`);
  await pickDivision(page, 'guide-division', ['50', '5001', '500116']);
  await page.locator('#guide li.material[data-material="disability_appraisal"]').waitFor();
  assert.match(await page.locator('#guide-fee').textContent(), /免费/);
  assert.match(await page.locator('#guide-hotline').textContent(), /023-47292152/);
  assert.match(await page.locator('#guide-due').textContent(), /最迟办结日期：\d{4}年\d+月\d+日/);
  await shot('guide');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#guide-division').isVisible(), false, 'the leaflet prints without the picker');
  // Printed (print CSS), the guide is a one-page A4 leaflet (折页).
  const pdf = await page.pdf({ preferCSSPageSize: true });
  await page.emulateMedia({ media: null });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
  assert.equal(pages.length, 1, `the printed guide has ${pages.length} pages`);

  await page.goto(`${baseUrl}/check/rebirth/where`);
  await question(page, '您将在哪里申请？');
  await pickDivision(page, 'where', ['50', '5001', '500116', '500116001']);
  await next(page);
  await page.getByLabel('初婚').check();
  await next(page);

  await question(page, '你们已有几个子女？');
  await page.locator('#add-child').click();
  await page.locator('#child-0-born').fill('2012-05-01');
  await page.locator('#add-child').click();
  await page.locator('#child-1-born').fill('2099-05-01');
  await next(page); // a birth date in the future is refused
  await page.locator('#error-summary a', { hasText: '第2个子女的出生日期不能晚于今天' }).waitFor();
  await page.locator('#child-1-born').fill('2016-05-01');
  await page.locator('#child-1-disability').check();
  await shot('check-children');
  await next(page);
  await question(page, '夫妻双方的户籍在哪里？');
  await next(page);
  await page.locator('#fact-honor').waitFor();
  await next(page);

  await page.locator('#outcome[data-eligible="true"]').waitFor();
  await page.locator('ol.checklist li.material[data-material="disability_appraisal"]').waitFor();
  const limit = await page.locator('#outcome-limit').textContent();
  assert.match(limit, /20个工作日/);
  // The due date is counted in the browser (wasm) on the server's calendar: on a day whose
  // count runs into a year without a State Council notice it says it is provisional.
  const expected = await page.evaluate(async (day) =>
    (await fetch(`/api/deadline?division=500116001&service=rebirth&from=${day}`)).json(), args.day);
  const [ey, em, ed] = expected.due.split('-').map(Number);
  assert.ok(limit.includes(`${ey}年${em}月${ed}日`), `${limit} vs ${expected.due}`);
  assert.equal(limit.includes('按法定节假日暂算，以国务院公布的放假安排为准'), expected.provisional === true, limit);

  // English on request, the same answer.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'You can apply' }).waitFor();
  await shot('check-result-en');
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { level: 1, name: '符合办理条件' }).waitFor();

  await page.locator('#start-application').click();
  await fillPeople(page);
  const codes = await uploadCodes(page);
  assert.ok(codes.includes('disability_appraisal'), codes.join());

  // Over 10 MB: refused before sending, in words, with the size.
  const big = Buffer.concat([JPEG, Buffer.alloc(11 * 1024 * 1024)]);
  await page.locator('#material-photo_woman_x2').setInputFiles({ name: 'big.jpg', mimeType: 'image/jpeg', buffer: big });
  const tooBig = page.locator('.upload[data-material="photo_woman_x2"] li[data-state="failed"]');
  await tooBig.waitFor();
  assert.match(await tooBig.textContent(), /11\.0MB，超过10MB上限/);
  await tooBig.getByRole('button', { name: /删除/ }).click();

  // The network drops during one upload: it fails in words and Retry sends it again.
  expectConsoleError(/net::ERR_INTERNET_DISCONNECTED/);
  await page.route('**/api/uploads', (route) => route.abort('internetdisconnected'));
  await page.locator('#material-marriage_cert').setInputFiles({ name: 'marriage.pdf', mimeType: 'application/pdf', buffer: PDF });
  const dropped = page.locator('.upload[data-material="marriage_cert"] li[data-state="failed"]');
  await dropped.waitFor();
  assert.match(await dropped.textContent(), /网络中断/);
  await page.unroute('**/api/uploads');
  await dropped.getByRole('button', { name: '重试' }).click();
  await page.locator('.upload[data-material="marriage_cert"] li[data-state="done"]').waitFor();

  // Two pages of the household register; the rest one photo each.
  await upload(page, 'hukou_book', { name: 'hukou-1.jpg', mimeType: 'image/jpeg', buffer: JPEG });
  await upload(page, 'hukou_book', { name: 'hukou-2.jpg', mimeType: 'image/jpeg', buffer: JPEG });
  for (const code of codes.filter((c) => !['hukou_book', 'marriage_cert'].includes(c))) await upload(page, code);
  await page.locator('#commitment').check();
  await page.locator('#delivery-express_cod').check();
  await page.locator('#to-review').click(); // no address yet
  await page.locator('#error-summary a', { hasText: '请填写收件地址' }).waitFor();
  await page.locator('#delivery-address').fill('重庆市江津区几江街道四牌坊社区1号 钱女士 13800138000');
  await shot('apply-form');
  await page.locator('#to-review').click();

  await page.getByRole('heading', { level: 1, name: '核对您的申请信息' }).waitFor();
  assert.match(await page.locator('#review-materials').textContent(), /户口簿（2）/);
  assert.match(await page.locator('#review-delivery').textContent(), /快递/);
  await shot('apply-review');
  await page.locator('#submit-application').click();

  await page.getByRole('heading', { level: 1, name: '申请已受理' }).waitFor();
  // The due date on the confirmation is the legal one for a case accepted today.
  const deadline = await page.evaluate(async (day) =>
    (await fetch(`/api/deadline?division=500116001&service=rebirth&from=${day}`)).json(), args.day);
  const [y, m, d] = deadline.due.split('-').map(Number);
  const finalDue = await page.locator('#final-due').textContent();
  assert.ok(finalDue.startsWith(`最迟办结日期：${y}年${m}月${d}日`), finalDue);
  assert.equal(finalDue.includes('按法定节假日暂算'), deadline.provisional === true, finalDue);
  await shot('apply-done');
}
