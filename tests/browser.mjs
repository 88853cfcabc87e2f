// browser.mjs: load the web client in headless Debian Chromium and check,
// from inside the page, that it shows live frames and can lock a quality.
// Usage: node tests/browser.mjs BASE_URL OUTDIR  (exit 0 ok, 1 fail, 77 skip)
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const [rawBase, outdir] = process.argv.slice(2);
const base = (rawBase || '').replace(/\/+$/, '');
if (!base || !outdir) {
	console.error('usage: node browser.mjs BASE_URL OUTDIR');
	process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

let chromium;
try {
	({ chromium } = await import('playwright-core'));
} catch (e) {
	console.log('# skip: playwright-core is not installed');
	process.exit(77);
}
if (!existsSync(CHROMIUM)) {
	console.log(`# skip: ${CHROMIUM} is missing`);
	process.exit(77);
}

/* A hung browser must fail the test, not hang it. */
setTimeout(() => {
	console.log('not ok - browser test timed out');
	process.exit(1);
}, 90000).unref();

let failed = 0, n = 0;
function check(ok, what, detail) {
	n++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}` +
	    (detail !== undefined ? ` # ${JSON.stringify(detail)}` : ''));
	if (!ok)
		failed++;
	return ok;
}

const errors = [];
function watch(page, tag) {
	page.on('console', (m) => {
		if (m.type() === 'error')
			errors.push(`${tag}: console: ${m.text()}`);
	});
	page.on('pageerror', (e) => errors.push(`${tag}: pageerror: ${e.message}`));
	page.on('requestfailed', (r) => {
		/* Leaving the page aborts its socket: not an error. */
		if (!r.url().includes('/websocket/'))
			errors.push(`${tag}: requestfailed: ${r.url()}`);
	});
}

const stats = (page) => page.evaluate(() => window.rerocctv.stats());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitLive(page, minShown) {
	await page.waitForFunction((min) => {
		const s = window.rerocctv && window.rerocctv.stats();
		return s && s.status === 'live' && s.shown > min;
	}, minShown, { timeout: 15000, polling: 100 });
}

/* Luma spread of the drawn picture, scaled down: a blank canvas has none. */
async function pictureSpread(page) {
	return page.evaluate(() => {
		const v = document.getElementById('video');
		const c = document.createElement('canvas');
		c.width = 64;
		c.height = 48;
		const x = c.getContext('2d', { willReadFrequently: true });
		x.drawImage(v, 0, 0, c.width, c.height);
		const d = x.getImageData(0, 0, c.width, c.height).data;
		let s = 0, s2 = 0, k = 0;
		for (let i = 0; i < d.length; i += 4) {
			const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
			s += y;
			s2 += y * y;
			k++;
		}
		const mean = s / k;
		return { mean, sd: Math.sqrt(Math.max(s2 / k - mean * mean, 0)) };
	});
}

const browser = await chromium.launch({
	executablePath: CHROMIUM,
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'],
});

try {
	/* ---- desktop ---- */
	const desk = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
	});
	const page = await desk.newPage();
	watch(page, 'desktop');
	await page.goto(base + '/', { waitUntil: 'load' });
	await waitLive(page, 10);

	const a = await stats(page);
	await sleep(2000);
	const b = await stats(page);
	check(b.status === 'live', 'status is live', b.status);
	check(a.frames > 10 && b.frames > a.frames,
	    'frames received and increasing', [a.frames, b.frames]);
	check(b.fps > 15 && b.fps < 60, 'fps in a sane range', b.fps);
	check(Number.isFinite(b.latency_ms) && Math.abs(b.latency_ms) < 5000,
	    'latency is a finite number of ms', b.latency_ms);
	check(b.w > 0 && b.h > 0 && b.q >= 30, 'COM metadata parsed',
	    { q: b.q, w: b.w, h: b.h, seq: b.seq });
	check(b.kbps > 0, 'bitrate measured', b.kbps);
	const box = await page.locator('#video').boundingBox();
	check(box && box.width > 100 && box.height > 100 &&
	    b.canvas_w > 0 && b.canvas_h > 0, 'picture has a size',
	    { box, cw: b.canvas_w, ch: b.canvas_h });
	const px = await pictureSpread(page);
	check(px.sd > 8, 'picture is not blank', px);
	const dom = await page.evaluate(() => ({
		status: document.getElementById('st-status').dataset.value,
		frames: Number(document.getElementById('st-frames').dataset.value),
		fps: Number(document.getElementById('st-fps').dataset.value),
	}));
	check(dom.status === 'live' && dom.frames > 0 && dom.fps > 0,
	    'DOM reflects the numbers', dom);
	await sleep(1200);	/* let the chart gather a few samples */
	await page.screenshot({ path: join(outdir, 'desktop.png') });

	/* Lock q40 through the slider: same socket, q=40 frames. */
	const before = await stats(page);
	await page.locator('#q-slider').fill('40');
	let locked = true;
	try {
		await page.waitForFunction(() => {
			const s = window.rerocctv.stats();
			return s.mode === 'locked' && s.q === 40;
		}, null, { timeout: 10000, polling: 100 });
	} catch (e) {
		locked = false;
	}
	const after = await stats(page);
	check(locked, 'locked quality 40 arrives', { q: after.q, mode: after.mode });
	check(after.connects === before.connects && after.status === 'live',
	    'no reconnect for a quality change',
	    [before.connects, after.connects]);
	const f0 = after.frames;
	await sleep(1000);
	const c = await stats(page);
	check(c.q === 40 && c.frames > f0, 'q40 frames keep coming',
	    { q: c.q, frames: [f0, c.frames] });
	const mode = await page.locator('#st-mode').textContent();
	check(mode === 'locked q40', 'mode shows locked q40', mode);
	await page.screenshot({ path: join(outdir, 'desktop-q40.png') });

	await page.locator('#q-auto').click();
	await page.waitForFunction(() =>
	    window.rerocctv.stats().mode === 'auto', null, { timeout: 5000 });
	const d = await stats(page);
	check(d.connects === before.connects, 'back to auto without reconnect',
	    d.connects);
	await desk.close();

	/* ---- phone ---- */
	const phone = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 3,
		isMobile: true,
		hasTouch: true,
	});
	const pp = await phone.newPage();
	watch(pp, 'phone');
	await pp.goto(base + '/', { waitUntil: 'load' });
	await waitLive(pp, 5);
	await sleep(1500);
	const pbox = await pp.locator('#video').boundingBox();
	check(pbox && pbox.width >= 380 && pbox.height > 200,
	    'phone: picture fills the width', pbox);
	const ps = await stats(pp);
	check(ps.status === 'live' && ps.fps > 15, 'phone: live',
	    { status: ps.status, fps: ps.fps });
	await pp.screenshot({ path: join(outdir, 'phone.png') });
	await pp.locator('#btn-panel').tap();
	await pp.locator('#panel').waitFor({ state: 'hidden', timeout: 3000 });
	const cbox = await pp.locator('#video').boundingBox();
	check(cbox && cbox.height > pbox.height, 'phone: panel collapses',
	    cbox);
	await pp.screenshot({ path: join(outdir, 'phone-collapsed.png') });
	await phone.close();
} catch (e) {
	check(false, 'browser run', String(e && e.message || e).split('\n')[0]);
} finally {
	await browser.close();
}

check(errors.length === 0, 'no console errors', errors);
console.log(`1..${n}`);
for (const f of ['desktop.png', 'desktop-q40.png', 'phone.png',
    'phone-collapsed.png'])
	if (existsSync(join(outdir, f)))
		console.log(`# screenshot: ${join(outdir, f)}`);
process.exit(failed ? 1 : 0);
