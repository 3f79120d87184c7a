// The two services the other applicant flows leave out — 独生子女父母光荣证 and 婚育情况证明 —
// checked and applied for in the browser at 四牌坊社区, each accepted with its date. Run on the
// machine's real date (issue 16), so a service that stops when the year turns is seen failing.
import assert from 'node:assert/strict';
import { fillPeople, next, pickDivision, question, upload, uploadCodes } from './common.mjs';

async function apply(page, baseUrl, shot, service, children) {
  await page.goto(`${baseUrl}/`);
  await page.locator(`li.service[data-service="${service}"] a.button`).click();
  await question(page, '您将在哪里申请？');
  await pickDivision(page, 'where', ['50', '5001', '500116', '500116001', '500116001005']);
  await next(page);
  await page.getByLabel('初婚').check();
  await next(page);
  await question(page, '你们已有几个子女？');
  for (const [i, born] of children.entries()) {
    await page.locator('#add-child').click();
    await page.locator(`#child-${i}-born`).fill(born);
  }
  await next(page);
  await question(page, '夫妻双方的户籍在哪里？');
  await next(page);
  await question(page, '以下情况是否适用？');
  await next(page);
  await page.locator('#outcome[data-eligible="true"]').waitFor();
  await shot(`${service}-check`);

  await page.locator('#start-application').click();
  await fillPeople(page);
  for (const code of await uploadCodes(page)) await upload(page, code);
  if (await page.locator('#commitment').count()) await page.locator('#commitment').check();
  await page.locator('#delivery-pickup').check();
  await page.locator('#to-review').click();
  await page.getByRole('heading', { level: 1, name: '核对您的申请信息' }).waitFor();
  await page.locator('#submit-application').click();
  await page.getByRole('heading', { level: 1, name: '申请已受理' }).waitFor();
  assert.match(await page.locator('#case-number').textContent(), /^JS\d{8}-[0-9A-Z]{6}$/);
  assert.ok((await page.locator('#next-steps li').count()) >= 1);
  await shot(`${service}-done`);
}

export default async function applyOther({ page, baseUrl, shot }) {
  await apply(page, baseUrl, shot, 'only_child_honor', ['2012-05-01']);
  await apply(page, baseUrl, shot, 'marital_status_proof', []);
}
