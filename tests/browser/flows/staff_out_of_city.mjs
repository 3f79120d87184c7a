// Issue 17 point 2: a 婚育情况证明 for a couple whose hukou is in Hubei. The window cannot finish
// the checks in several places today, so it records why (the proof becomes a promise case with
// a dated step); once the hukou place has confirmed by letter, it records whom it asked and
// what they said, and issues. Nobody is sent home.
import assert from 'node:assert/strict';
import { caseState, staffLogin } from './common.mjs';

export default async function staffOutOfCity({ page, baseUrl, shot, args }) {
  await staffLogin(page, baseUrl, 'demo-village');
  await page.goto(`${baseUrl}/staff/cases/${args.number}`);
  await caseState(page, 'submitted');
  await page.locator('#form-issue').waitFor();

  // Issuing without the check is refused in the browser already.
  await page.locator('#form-issue #do-issue').click();
  await page.locator('#action-problem', { hasText: '核实' }).waitFor();

  await page.locator('#defer-reason').fill('男方曾在两地登记婚姻，需两地核查');
  await page.locator('#defer-to').fill('420704');
  await page.locator('#do-defer_out_of_city_check').click();
  await page.locator('#deadlines-heading').waitFor();
  await page.locator('text=外地婚育情况多地核查').first().waitFor();
  // Deferred once: the form is gone, the issue form stays.
  assert.equal(await page.locator('#form-defer_out_of_city_check').count(), 0);
  await shot('deferred');

  await page.locator('#check-method').selectOption('letter');
  await page.locator('#check-contact').fill('鄂城区卫生健康局（协查回函）');
  await page.locator('#check-result').fill('再婚，婚内未生育');
  await page.locator('#form-issue #do-issue').click();
  await caseState(page, 'issued');
  await shot('issued');
}
