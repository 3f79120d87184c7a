// SPEC §8 end to end: Mr Zhao (hukou in 鄂城区) applies for a 生育服务证 at his wife's
// community in 江津. The checklist is complete up front (the window issues the 婚育情况证明);
// an application with one item missing lists exactly that item; after adding it the case is
// accepted and can be tracked.
import assert from 'node:assert/strict';
import {
  checklistCodes, fillPeople, next, pickDivision, question, serverAnswer, summaryItems,
  upload, uploadCodes,
} from './common.mjs';

export default async function applyBirth({ page, baseUrl, shot, args }) {
  await page.goto(`${baseUrl}/`);
  await page.locator('li.service[data-service="birth_service"] a.button').click();

  // One question a page.
  await question(page, '您将在哪里申请？');
  await pickDivision(page, 'where', ['50', '5001', '500116', '500116001', '500116001005']);
  await page.locator('#where .hint', { hasText: '四牌坊社区' }).waitFor();
  await shot('check-where');
  await next(page);

  await question(page, '你们的婚姻状况是？');
  await next(page); // unanswered: told, and focus moves to the summary
  assert.deepEqual(await summaryItems(page), ['请选择婚姻状况']);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary');
  await shot('check-marriage-error');
  await page.getByLabel('初婚').check();
  await next(page);

  await question(page, '你们已有几个子女？');
  await shot('check-children');
  await next(page);

  await question(page, '夫妻双方的户籍在哪里？');
  await pickDivision(page, 'hukou-husband', ['42', '4207', '420704']);
  await pickDivision(page, 'hukou-wife', ['50', '5001', '500116']);
  await shot('check-hukou');
  await next(page);

  await question(page, '以下情况是否适用？');
  await shot('check-facts');
  await next(page);

  // The answer, computed in the browser, equals the server's, item for item.
  await page.locator('#outcome[data-eligible="true"]').waitFor();
  const server = await serverAnswer(page, {
    service: 'birth_service', division: '500116001005', date: args.day, marriage: 'first',
    hukou: { husband: '420704', wife: '500116' },
  });
  assert.equal(server.eligible, true);
  assert.deepEqual(await checklistCodes(page), server.materials.map((m) => m.code));
  const proof = page.locator('ol.checklist li.material[data-material="marital_status_proof"]');
  assert.equal(await proof.getAttribute('data-by'), 'window', 'the window issues the 婚育情况证明 (003 三)');
  assert.ok((await page.locator('ul.reasons cite').count()) > 0, 'every reason cites its source');
  await shot('check-result');

  await page.locator('#start-application').click();
  await page.getByRole('heading', { level: 1, name: '网上申请：生育服务证' }).waitFor();
  await fillPeople(page);

  // A file of the wrong type is refused in words before anything is sent.
  const codes = await uploadCodes(page);
  assert.ok(codes.includes('hukou_book') && !codes.includes('marital_status_proof'), codes.join());
  await page.locator(`#material-${codes[0]}`).setInputFiles({ name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: Buffer.from('heic') });
  const refused = page.locator(`.upload[data-material="${codes[0]}"] li[data-state="failed"]`);
  await refused.waitFor();
  assert.match(await refused.textContent(), /不是 JPEG、PNG 照片或 PDF 文件/);
  await refused.getByRole('button', { name: /删除/ }).click();
  await refused.waitFor({ state: 'detached' });

  // Everything but the household register.
  for (const code of codes.filter((c) => c !== 'hukou_book')) await upload(page, code);
  await page.locator('#commitment').check();
  await page.locator('#delivery-pickup').check();
  await shot('apply-form');
  await page.locator('#to-review').click();

  // Exactly what is missing, linked to its field.
  assert.deepEqual(await summaryItems(page), ['请上传：户口簿']);
  await shot('apply-missing');
  await page.locator('#error-summary a').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'material-hukou_book');

  await upload(page, 'hukou_book');
  await page.locator('#to-review').click();
  await page.getByRole('heading', { level: 1, name: '核对您的申请信息' }).waitFor();
  assert.equal(await page.locator('#review-applicant-id').textContent(), '420704*********231');
  await shot('apply-review');
  await page.locator('#submit-application').click();

  // Accepted: the case number, the access code, what happens next.
  await page.getByRole('heading', { level: 1, name: '申请已受理' }).waitFor();
  const number = await page.locator('#case-number').textContent();
  const code = await page.locator('#access-code').textContent();
  assert.match(number, /^JS\d{8}-[0-9A-Z]{6}$/);
  assert.ok((await page.locator('#next-steps li').count()) >= 1);
  await shot('apply-done');

  // Tracking with the access code.
  await page.locator('#track-link').click();
  await page.locator('#track-number').waitFor();
  assert.equal(await page.locator('#track-number').inputValue(), number);
  await page.locator('#track-code').fill(code);
  await page.locator('#track-submit').click();
  await page.locator('#case[data-state]').waitFor();
  assert.ok(['submitted', 'issued'].includes(await page.locator('#case').getAttribute('data-state')));
  await page.locator('#timeline li[data-action="submit"]').waitFor();
  // The message log: the acceptance SMS, to the masked phone (issue 20).
  await page.locator('#messages li[data-kind="accepted"]', { hasText: '短信' }).waitFor();
  assert.doesNotMatch(await page.locator('#messages').textContent(), /13800138000|13912345678/);
  // The applicant switches to e-mail on the tracking page; the timeline records it.
  await page.locator('#notify-change summary').click();
  await page.locator('#notify-email').check();
  await page.locator('#notify-address').fill('li.na@example.cn');
  await page.locator('#notify-save').click();
  await page.locator('#timeline li[data-action="notify_changed"]').waitFor();
  await shot('track-accepted');

  // A wrong access code reveals nothing.
  await page.locator('#track-code').fill('WRONGCODE1');
  await page.locator('#track-submit').click();
  await page.locator('#track-failure').waitFor();
  assert.equal(await page.locator('#case').count(), 0);
}
