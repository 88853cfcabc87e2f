// original.mjs: loads tests/original/ (the original client's logic) from
// PAGE_URL in headless Chromium and prints what it saw after a few
// seconds as key=value: status= frames= width= quality=.
// Usage: node tests/original.mjs PAGE_URL
import { chromium } from 'playwright-core';

const url = process.argv[2];
setTimeout(() => { console.log('timeout'); process.exit(1); }, 60000).unref();
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
	       '--no-first-run', '--disable-background-networking',
	       '--disable-component-update', '--disable-sync'],
});
try {
	const page = await browser.newPage();
	await page.goto(url);
	await page.waitForTimeout(3000);
	/* Each frame sets a new src, and until that one has loaded the img
	 * may say naturalWidth 0: take the widest of a few looks. */
	const s = await page.evaluate(async () => {
		const img = document.getElementById('img');
		let width = 0;
		for (let i = 0; i < 20 && !width; i++) {
			width = img.naturalWidth;
			await new Promise((r) => setTimeout(r, 50));
		}
		return { ...window.original, width };
	});
	console.log(`status=${s.status} frames=${s.frames} width=${s.width} ` +
		    `quality=${s.quality}`);
} finally {
	await browser.close();
}
