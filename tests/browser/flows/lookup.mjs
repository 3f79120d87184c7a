// Issue 8: self-service lookup (004 三(四), 四(四)). A wrong check digit is caught in the
// browser; a wrong name shows "nothing found" like no match at all; the holder sees the
// certificate, saves the result as a PDF that says it is not a certificate, and asks for a
// correction, which is queued at the issuing office.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staffLogin } from './common.mjs';

export default async function lookup({ page, baseUrl, shot, args }) {
  await page.goto(`${baseUrl}/`);
  await page.locator('#lookup-link').click();
  await page.waitForURL(/\/lookup$/);
  await page.locator('#lookup-name').fill('赵先生');

  // A wrong check character: told at once, nothing sent.
  await page.locator('#lookup-id').fill('420704199001011232');
  await page.locator('#lookup-submit').click();
  await page.locator('#lookup-issue', { hasText: '校验' }).waitFor();
  await shot('wrong-check-digit');

  // A wrong name: the same "nothing found" as no certificate at all.
  await page.locator('#lookup-name').fill('孙先生');
  await page.locator('#lookup-id').fill(args.id_number);
  await page.locator('#lookup-submit').click();
  await page.locator('#lookup-result[data-count="0"] #lookup-empty').waitFor();

  // The holder.
  await page.locator('#lookup-name').fill('赵先生');
  await page.locator('#lookup-submit').click();
  const entry = page.locator(`.lookup-entry[data-number="${args.number}"]`);
  await entry.waitFor();
  assert.equal(await entry.getAttribute('data-status'), 'valid');
  await entry.locator('text=赵先生、钱女士').waitFor();
  const oldLink = await entry.locator('.verify-link').getAttribute('href');
  await shot('found');

  // The export: a PDF that says it is a lookup result, not a certificate.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#lookup-export').click(),
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'jisheng-pdf-')), 'lookup.pdf');
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.match(text, /不是电子证照/);
  assert.match(text, /未生成电子证照的不得作为法定要件/);
  assert.ok(text.includes(args.number), text);

  // A correction request, answered with the office and its due date.
  await entry.locator('.correction-open').click();
  await entry.locator('textarea').fill('配偶姓名有误，应以户口簿为准');
  await entry.locator('button[type="submit"]').click();
  await entry.locator('.correction-sent', { hasText: '重庆市江津区' }).waitFor();
  await shot('correction-sent');

  // The county finds it on the case, corrects the spouse's name, and the change is recorded.
  await staffLogin(page, baseUrl, 'demo-county');
  await page.goto(`${baseUrl}/staff/cases/${args.case}`);
  await page.locator('#corrections li[data-open="true"]', { hasText: '配偶姓名有误' }).waitFor();
  const form = page.locator('#form-resolve_correction');
  await form.waitFor();
  assert.equal(await page.locator('#correction-holders').inputValue(), '赵先生\n钱女士');
  await page.locator('#correction-holders').fill('赵先生\n钱女土');
  await page.locator('#correction-resolution').fill('经核对户口簿，配偶姓名更正为钱女土');
  await shot('staff-resolve');
  await page.locator('#do-resolve_correction').click();
  await page.locator('#timeline li[data-action="resolve_correction"]', { hasText: '钱女土' }).waitFor();
  await page.locator('#corrections li[data-open="false"]').waitFor();

  // The county prints the corrected certificate at the window.
  const [staffCopy] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#staff-certificate-pdf').click(),
  ]);
  const corrected = join(mkdtempSync(join(tmpdir(), 'jisheng-pdf-')), 'corrected.pdf');
  await staffCopy.saveAs(corrected);
  const correctedText = execFileSync('pdftotext', ['-enc', 'UTF-8', corrected, '-'], { encoding: 'utf8' });
  assert.match(correctedText, /赵先生、钱女土/);

  // The copy from before the correction: genuine, but replaced.
  await page.goto(`${baseUrl}${oldLink}`);
  await page.locator('#verify-result[data-result="superseded"]').waitFor();
  assert.match(await page.locator('#verify-holders').textContent(), /钱女士/);
  await shot('superseded');
}
