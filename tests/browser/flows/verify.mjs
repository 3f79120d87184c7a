// Issue 8: the verify page a certificate's QR code opens. The signature is checked in the
// browser against the published keys; the issuing office's revocation list says valid or
// revoked; one changed character makes it invalid.
import assert from 'node:assert/strict';

export default async function verify({ page, baseUrl, shot, args }) {
  if (args.code) {
    // The holder finds the certificate on the tracking page and opens it.
    await page.goto(`${baseUrl}/track?number=${args.case}`);
    await page.locator('#track-code').fill(args.code);
    await page.locator('#track-submit').click();
    await page.locator('#certificate', { hasText: args.number }).waitFor();
    await shot('tracking');
    await page.locator('#certificate-link').click();
    await page.waitForURL(/\/verify#/);
    assert.equal(new URL(page.url()).hash, `#${args.payload}`);
  } else {
    await page.goto(`${baseUrl}/verify#${args.payload}`);
  }
  const result = page.locator(`#verify-result[data-result="${args.expect}"]`);
  await result.waitFor();
  assert.equal(await page.locator('#verify-number').textContent(), args.number);
  assert.match(await page.locator('#verify-holders').textContent(), /赵先生、钱女士/);
  await page.locator('#verify-result', { hasText: '四牌坊社区' }).waitFor();
  // The keys are kept for checking offline.
  assert.match(await page.evaluate(() => localStorage.getItem('jisheng.certificate-keys')), /Ed25519/);
  await shot(args.expect);

  if (args.expect === 'valid') {
    // One character of the signed text changed: not valid.
    const [text, sig] = args.payload.split('.');
    const flipped = text.slice(0, 10) + (text[10] === 'A' ? 'B' : 'A') + text.slice(11);
    await page.goto(`${baseUrl}/`);
    await page.goto(`${baseUrl}/verify#${flipped}.${sig}`);
    await page.locator('#verify-result[data-result="invalid"]').waitFor();
    await shot('tampered');
  }
}
