// Issue 22: the whole country's divisions in the picker. A village in 渝北区 and one in 长春
// 朝阳区 (outside the seeds' counties), picked level by level; 四牌坊 found by the search box
// and picked with the keyboard; a township of 东莞, a prefecture without counties.
import assert from 'node:assert/strict';
import { pickDivision } from './common.mjs';

async function chosen(page, text) {
  await page.locator('#where .hint', { hasText: text }).waitFor();
}

export default async function divisions({ page, baseUrl, shot, args }) {
  await page.goto(`${baseUrl}/check/birth_service/where`);

  for (const village of args.villages) {
    const path = [village.code.slice(0, 2), village.code.slice(0, 4), village.code.slice(0, 6),
      village.code.slice(0, 9), village.code];
    await pickDivision(page, 'where', path);
    await chosen(page, village.name);
  }
  await shot('village');

  // Search by name: the community of SPEC §8, anywhere in the country, with its full path.
  const search = page.locator('#where-search');
  await search.fill('四牌坊');
  const option = page.locator('#where-results li', { hasText: '四牌坊社区' });
  await option.waitFor();
  assert.match(await option.textContent(), /重庆市 › 江津区 › 几江街道 › 四牌坊社区/);
  assert.equal(await search.getAttribute('aria-expanded'), 'true');
  // The count is announced to screen readers.
  await page.locator('#where .division-search [aria-live="polite"]', { hasText: '找到' }).waitFor({ state: 'attached' });
  await shot('search');
  // Keyboard only: down to it, Enter.
  const options = await page.locator('#where-results li').allTextContents();
  const index = options.findIndex((t) => t.includes('四牌坊社区'));
  for (let i = 0; i <= index; i += 1) await search.press('ArrowDown');
  assert.equal(
    await search.getAttribute('aria-activedescendant'),
    await page.locator('#where-results li').nth(index).getAttribute('id'),
  );
  await search.press('Enter');
  await chosen(page, '四牌坊社区');
  assert.equal(await page.locator('#where-4').inputValue(), '500116001005');

  // Pinyin initials find a county: 渝北区 is ybq.
  await search.fill('ybq');
  await page.locator('#where-results li', { hasText: '渝北区' }).first().waitFor();

  // 东莞: townships directly under the city (county group 00).
  await pickDivision(page, 'where', ['44', '4419', '441900', '441900003']);
  await chosen(page, '东城街道');
  await shot('dongguan');
}
