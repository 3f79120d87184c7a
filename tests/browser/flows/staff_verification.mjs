// Issue 7: a 协查 across provinces and the delivery. The county asks 鄂城区 (Hubei) to verify;
// that office finds the case in its own queue and answers; the county approves, issues and
// records an express delivery.
import assert from 'node:assert/strict';
import { caseState, pickDivision, pickTemplate, staffLogin, staffLogout } from './common.mjs';

export default async function staffVerification({ page, baseUrl, shot, args }) {
  await staffLogin(page, baseUrl, 'demo-county');
  await page.goto(`${baseUrl}/staff/cases/${args.number}`);
  await caseState(page, 'pre_reviewed');
  await pickDivision(page, 'verify-to', ['42', '4207', '420704']);
  await page.locator('#verify-question').fill('请核实男方在贵区的生育情况');
  await page.locator('#do-request_verification').click();
  await page.locator('#verifications li', { hasText: '请核实男方在贵区的生育情况' }).waitFor();
  assert.match(await page.locator('#verifications li').textContent(), /回复期限/);
  await shot('requested');
  await staffLogout(page);

  // The office asked sees the case in its queue, and answers.
  await staffLogin(page, baseUrl, 'demo-ezhou');
  await page.locator(`#queue tr[data-number="${args.number}"] a`).click();
  await page.locator('#form-answer_verification').waitFor();
  await page.locator('#verify-answer').fill('经核实，男方在本区无其他子女登记');
  await page.locator('#do-answer_verification').click();
  await page.locator('#verifications li', { hasText: '经核实，男方在本区无其他子女登记' }).waitFor();
  // Asked, not deciding: nothing else to do here.
  assert.equal(await page.locator('#do-approve').count(), 0);
  await shot('answered');
  await staffLogout(page);

  await staffLogin(page, baseUrl, 'demo-county');
  await page.goto(`${baseUrl}/staff/cases/${args.number}`);
  await pickTemplate(page, 'approve-template');
  await page.locator('#do-approve').click();
  await caseState(page, 'approved');
  await page.locator('#do-issue').click();
  await caseState(page, 'issued');
  await page.locator('#deliver-express_cod').check();
  await page.locator('#deliver-address').fill('重庆市江津区几江街道鼎山大道1号');
  await page.locator('#do-deliver').click();
  await caseState(page, 'delivered');
  await page.locator('#timeline li[data-action="deliver"]', { hasText: '货到付款' }).waitFor();
  await shot('delivered');
}
