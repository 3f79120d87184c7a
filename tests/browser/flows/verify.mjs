// Issue 8: the verify page a certificate's QR code opens. The signature is checked in the
// browser against the published keys; the issuing office's revocation list says valid or
// revoked; one changed character makes it invalid.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function verify({ page, baseUrl, shot, args }) {
  if (args.code) {
    // The holder finds the certificate on the tracking page and opens it.
    await page.goto(`${baseUrl}/track?number=${args.case}`);
    await page.locator('#track-code').fill(args.code);
    await page.locator('#track-submit').click();
    await page.locator('#certificate', { hasText: args.number }).waitFor();
    await shot('tracking');
    assert.equal(await page.locator('#certificate-link').getAttribute('href'), `/verify#${args.payload}`);
    // Download the PDF; read it back with poppler: the holder, the number, and the QR code's
    // link (the same address the QR code holds) to the verify page.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#certificate-pdf').click(),
    ]);
    assert.equal(download.suggestedFilename(), `${args.number}.pdf`);
    const file = join(mkdtempSync(join(tmpdir(), 'jisheng-pdf-')), 'certificate.pdf');
    await download.saveAs(file);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    assert.match(text, /赵先生、钱女士/);
    assert.ok(text.includes(args.number), text);
    const urls = execFileSync('pdfinfo', ['-url', file], { encoding: 'utf8' });
    const link = urls.split(/\s+/).find((w) => w.includes('/verify#'));
    assert.ok(link, `no verify link in the PDF:\n${urls}`);
    assert.equal(new URL(link).hash, `#${args.payload}`);
    await page.goto(link);
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
