// Issue 7: a township officer and a county approver take a re-birth case from submission to
// issue in the console — queue, masked IDs and an audited reveal, a photographed material
// previewed, the domain's check re-run, opinion, seals, a conflict with someone who acted
// first, approval with a written basis, issue.
import assert from 'node:assert/strict';
import { caseState, pickTemplate, staffLogin, staffLogout } from './common.mjs';

export default async function staffRebirth({ page, baseUrl, shot, args, expectConsoleError }) {
  // The sign-in page, and a wrong password told in words.
  await page.goto(`${baseUrl}/staff`);
  await page.locator('#staff-username').fill('demo-township');
  await page.locator('#staff-password').fill('wrong');
  expectConsoleError(/401/);
  await page.locator('#staff-login').click();
  await page.locator('#login-failure').waitFor();
  await shot('login');

  await staffLogin(page, baseUrl, 'demo-township');
  assert.match(await page.locator('#staff-who').textContent(), /几江街道/);
  // The token is in sessionStorage with its expiry; no ID number is in any browser storage.
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.match(stored, /token/);
  assert.match(stored, /expires_at/);
  assert.doesNotMatch(stored, /\d{17}[\dX]/);

  // The queue: the case, its ID masked.
  const row = page.locator(`#queue tr[data-number="${args.number}"]`);
  await row.waitFor();
  const rowText = await row.textContent();
  assert.match(rowText, /420704\*{9}231/);
  assert.ok(!rowText.includes(args.applicant_id), 'the full ID is not in the queue');
  await shot('queue');
  // Filters: the case is submitted, not issued.
  await page.locator('#filter-state').selectOption('issued');
  await page.locator('#filter-apply').click();
  await page.locator('#queue-count', { hasText: /本页 0 件/ }).waitFor();
  await page.locator('#filter-state').selectOption('submitted');
  await page.locator('#filter-service').selectOption('rebirth');
  await page.locator('#filter-apply').click();
  await row.waitFor();

  await row.locator('a').click();
  await page.locator('#case-number', { hasText: args.number }).waitFor();
  await caseState(page, 'submitted');
  assert.equal(await page.locator('#recheck').getAttribute('data-eligible'), 'true');
  assert.match(await page.locator('#applicant-id').textContent(), /\*{9}/);
  await page.locator('#deadlines li', { hasText: '审批决定' }).waitFor();

  // The full ID only on an explicit, audited reveal.
  await page.locator('#reveal-id').click();
  await page.locator('#applicant-id', { hasText: args.applicant_id }).waitFor();
  await page.locator('#revealed-note').waitFor();

  // A photographed material, previewed.
  await page.locator('.preview-button').first().click();
  await page.locator('#preview img').waitFor();
  assert.ok(await page.locator('#preview img').evaluate((img) => img.complete && img.naturalWidth === 1));
  await shot('case-township');

  // The township's opinion (a template, editable) and its seal.
  await pickTemplate(page, 'opinion-template');
  assert.match(await page.locator('#opinion-text').inputValue(), /同意/);
  await page.locator('#do-township_opinion').click();
  await caseState(page, 'township_reviewed');
  await page.locator('#action-done').waitFor();
  await page.locator('#do-seal').click();
  await page.locator('#seals li[data-level="township"]').waitFor();
  // Done at this level: no second opinion, no second seal.
  assert.equal(await page.locator('#do-township_opinion').count(), 0);
  assert.equal(await page.locator('#do-seal').count(), 0);
  await staffLogout(page);

  // The county opens it by number.
  await staffLogin(page, baseUrl, 'demo-county');
  await page.locator('#queue-search').fill(args.number);
  await page.locator('#queue-open').click();
  await caseState(page, 'township_reviewed');
  // Approval needs a written basis.
  await page.locator('#do-approve').click();
  await page.locator('#action-problem', { hasText: '批准理由' }).waitFor();

  // Someone else (a colleague's session) seals first: the approval is not taken, the page
  // says so and shows the case as it now is.
  const status = await page.evaluate(async (number) => {
    const { token } = JSON.parse(sessionStorage.getItem('jisheng.staff'));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const c = await (await fetch(`/api/cases/${number}`, { headers })).json();
    const res = await fetch(`/api/cases/${number}/actions`, {
      method: 'POST', headers, body: JSON.stringify({ version: c.version, action: 'seal' }),
    });
    return res.status;
  }, args.number);
  assert.equal(status, 200);
  await pickTemplate(page, 'approve-template');
  expectConsoleError(/409/);
  await page.locator('#do-approve').click();
  await page.locator('#action-conflict').waitFor();
  await page.locator('#seals li[data-level="county"]').waitFor();
  await caseState(page, 'township_reviewed');
  // What was written is still there.
  assert.match(await page.locator('#approve-basis').inputValue(), /经审查/);
  await shot('conflict');

  await page.locator('#do-approve').click();
  await caseState(page, 'approved');
  await page.locator('#timeline li[data-action="approve"]', { hasText: '批准：经审查' }).waitFor();
  await page.locator('#do-issue').click();
  await caseState(page, 'issued');
  await page.locator('#timeline li[data-action="issue"]').waitFor();
  // The console's message log: what the applicant was told, step by step (issue 20).
  await page.locator('#messages li[data-kind="accepted"]').waitFor();
  await page.locator('#messages li[data-kind="issued"]').waitFor();
  // The audit trail shows the reveal and who read the case.
  await page.locator('details summary').click();
  await page.locator('#audit tr[data-action="reveal_id_numbers"]', { hasText: 'demo-township' }).waitFor();
  await page.locator('#audit tr[data-action="read"]', { hasText: 'demo-county' }).first().waitFor();
  await shot('issued');
}
