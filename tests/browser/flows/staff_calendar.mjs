// Issue 16 in the browser: a re-birth case accepted in a year without a State Council holiday
// notice shows its dates as provisional; the administrator sees the warning, is told every
// problem of an incomplete notice at once, loads the year's (test) notice in the console, and
// the applicant's tracking page then shows exact dates and the recount in the timeline.
import assert from 'node:assert/strict';
import { staffLogin } from './common.mjs';

const NOTE = '按法定节假日暂算，以国务院公布的放假安排为准';

async function track(page, baseUrl, args) {
  await page.goto(`${baseUrl}/track`);
  await page.locator('#track-number').fill(args.number);
  await page.locator('#track-code').fill(args.code);
  await page.locator('#track-submit').click();
  await page.locator('#case[data-state]').waitFor();
}

export default async function staffCalendar({ page, baseUrl, shot, args }) {
  const { year } = args;
  // Before: provisional, in words.
  await track(page, baseUrl, args);
  assert.match(await page.locator('#deadlines').textContent(), new RegExp(NOTE));
  await shot('track-provisional');

  // The administrator is warned on the home page and opens the calendar.
  await staffLogin(page, baseUrl, 'demo-admin');
  await page.locator('#calendar-warning', { hasText: `${year}年放假安排尚未导入` }).waitFor();
  await page.locator('#admin-calendar-link').click();
  await page.locator(`#calendar-years tr[data-year="${year - 1}"][data-origin="built_in"]`).waitFor();
  assert.equal(await page.locator(`#calendar-years tr[data-year="${year}"]`).count(), 0);

  // A draft from the statutory holidays, sent without its title, number and date: every
  // missing field is named in one answer.
  await page.locator('#notice-year').fill(String(year));
  await page.locator('#notice-draft').click();
  const draft = await page.locator('#notice-rest').inputValue();
  assert.match(draft, new RegExp(`春节 ${year}-0[12]-\\d\\d`));
  await page.locator('#notice-title').fill('');
  await page.locator('#notice-load').click();
  const errors = page.locator('#notice-errors');
  await errors.waitFor();
  for (const field of ['title', 'document_number', 'published']) {
    assert.match(await errors.textContent(), new RegExp(field));
  }
  await shot('calendar-errors');

  // The notice as the State Council would publish it: 国庆节 runs to 7 October.
  await page.locator('#notice-title').fill(`国务院办公厅关于${year}年部分节假日安排的通知（测试）`);
  await page.locator('#notice-number').fill(`测试〔${year - 1}〕1号`);
  await page.locator('#notice-published').fill(`${year - 1}-11-01`);
  const lines = draft.split('\n').map((l) =>
    l.startsWith('国庆节') ? `国庆节 ${year}-10-01 ${year}-10-07` : l);
  await page.locator('#notice-rest').fill(lines.join('\n'));
  await page.locator('#notice-load').click();
  await page.locator('#notice-result', { hasText: '已导入' }).waitFor();
  assert.match(await page.locator('#notice-result').textContent(), /重新计算期限1件/);
  await page.locator(`#calendar-years tr[data-year="${year}"][data-origin="loaded"]`).waitFor();
  await shot('calendar-loaded');

  // After: exact, and the recount is in the applicant's timeline with the notice as source.
  await track(page, baseUrl, args);
  await page.locator('#timeline li[data-action="recompute_deadlines"]').waitFor();
  assert.doesNotMatch(await page.locator('#deadlines').textContent(), new RegExp(NOTE));
  assert.match(await page.locator('#timeline').textContent(), new RegExp(`${year}年部分节假日安排`));
  await shot('track-exact');
}
