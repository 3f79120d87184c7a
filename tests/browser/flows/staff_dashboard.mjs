// Issue 7: the supervisor's dashboard shows the red light of an overdue case (the server's
// clock is two months after the submission), the processing-time chart and the CSV export.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { staffLogin } from './common.mjs';

export default async function staffDashboard({ page, baseUrl, shot, args }) {
  await staffLogin(page, baseUrl, 'demo-supervisor');
  // The queue puts the red light first.
  const first = page.locator('#queue tbody tr').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-number'), args.late);
  assert.match(await first.getAttribute('class'), /red-light/);

  await page.locator('#nav-dashboard').click();
  await page.locator('#overdue-cases', { hasText: '1' }).waitFor();
  assert.equal(await page.locator('#total-cases').textContent(), '2');
  await page.locator('#offices tr.red-light[data-office="500116"] .overdue[data-red="1"] .dot').waitFor();
  await page.locator(`#red-lights li[data-number="${args.late}"]`, { hasText: '审批决定' }).waitFor();
  assert.equal(await page.locator(`#red-lights li[data-number="${args.decided}"]`).count(), 0);
  // One case decided on the day it was accepted.
  await page.locator('#processing-chart g.bar[data-days="0"][data-count="1"]').waitFor();
  await shot('dashboard');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#export-csv').click(),
  ]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^\uFEFFoffice,name,total/);
  assert.match(csv, /500116,"重庆市江津区",2,/);

  // The console in English too.
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Supervision dashboard' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Red lights: cases past a limit' }).waitFor();
  await page.locator('#staff-who', { hasText: 'Supervisor' }).waitFor();
  await shot('dashboard-en');
  await page.locator(`#red-lights li[data-number="${args.late}"] a`).click();
  await page.locator('#red-flag', { hasText: 'Past its limit: Decision' }).waitFor();
  await page.locator('#no-actions', { hasText: 'nothing for you to do' }).waitFor();
  assert.equal(await page.locator('#reveal-id').count(), 0, 'supervisors see masked numbers only');
  await shot('case-en');
}
