// Shared steps of the applicant flows.
import assert from 'node:assert/strict';

// Bytes the server recognises as each type (it sniffs the content).
export const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
export const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(64, 3)]);
export const PDF = Buffer.from('%PDF-1.4\n% scan\n');

/** Picks a division down the cascade: ['50', '5001', '500116', ...]. */
export async function pickDivision(page, id, codes) {
  for (const [i, code] of codes.entries()) {
    const select = page.locator(`#${id}-${i}`);
    await select.locator(`option[value="${code}"]`).waitFor({ state: 'attached' });
    await select.selectOption(code);
  }
}

export async function question(page, name) {
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

export async function next(page) {
  await page.locator('#continue').click();
}

/** Uploads a photo for a material and waits until the server has it. */
export async function upload(page, code, file = { name: `${code}.png`, mimeType: 'image/png', buffer: PNG }) {
  const before = await page.locator(`.upload[data-material="${code}"] li[data-state="done"]`).count();
  await page.locator(`#material-${code}`).setInputFiles(file);
  await page.locator(`.upload[data-material="${code}"] li[data-state="done"]`).nth(before).waitFor();
}

/** The codes of the materials the form asks the applicant to upload, in page order. */
export async function uploadCodes(page) {
  return page.locator('div.upload[data-material]').evaluateAll((els) => els.map((e) => e.dataset.material));
}

/** The texts of the error summary's items. */
export async function summaryItems(page) {
  await page.locator('#error-summary').waitFor();
  return page.locator('#error-summary li').allTextContents();
}

/** The material codes of the checklist on the page. */
export async function checklistCodes(page) {
  return page.locator('ol.checklist li.material').evaluateAll((els) => els.map((e) => e.dataset.material));
}

/** Asks the API for the same situation's answer, from inside the page. */
export async function serverAnswer(page, situation) {
  return page.evaluate(async (body) => {
    const res = await fetch('/api/eligibility', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return res.json();
  }, situation);
}

export async function fillPeople(page, { spouse = true } = {}) {
  await page.locator('#applicant-name').fill('赵先生');
  // A mistyped check character is caught as it is typed.
  await page.locator('#applicant-id').fill('420704199001011238');
  const live = page.locator('#applicant-id-live');
  await live.waitFor();
  assert.match(await live.textContent(), /校验位不正确/);
  await page.locator('#applicant-id').fill('420704199001011231');
  await live.waitFor({ state: 'detached' });
  await page.locator('#applicant-phone').fill('13800138000');
  if (spouse) {
    await page.locator('#spouse-name').fill('钱女士');
    await page.locator('#spouse-id').fill('500116199203040025');
  }
}

/** Signs a demo account in on the console (password `demo`) and waits for the staff bar. */
export async function staffLogin(page, baseUrl, username) {
  await page.goto(`${baseUrl}/staff`);
  await page.locator('#staff-username').fill(username);
  await page.locator('#staff-password').fill('demo');
  await page.locator('#staff-login').click();
  await page.locator('#staff-who').waitFor();
}

/** Signs out and waits for the sign-in form. */
export async function staffLogout(page) {
  await page.locator('#staff-logout').click();
  await page.locator('#staff-username').waitFor();
}

/** The state the case page shows. */
export async function caseState(page, state) {
  await page.locator(`#case-state[data-state="${state}"]`).waitFor();
}

/** Picks the first template of a template select (it fills the text below it). */
export async function pickTemplate(page, id) {
  const value = await page.locator(`#${id} option`).nth(1).getAttribute('value');
  await page.locator(`#${id}`).selectOption(value);
}
