// browser-lib.mjs: what the browser tests share: the headless Debian
// Chromium (never a downloaded one), TAP checks, console-error watching,
// and looks into the page (the client's stats hook, the drawn picture).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/* Launches Chromium, or exits 77 (skip) without it or playwright-core.
 * A hung browser fails the test after limitMs instead of hanging it. */
export async function launch(limitMs = 90000) {
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
	setTimeout(() => {
		console.log('not ok - browser test timed out');
		process.exit(1);
	}, limitMs).unref();
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync'],
	});
}

/* TAP: check() prints one line per check; plan() the plan and the
 * exit status. */
let failed = 0, n = 0;
export function check(ok, what, detail) {
	n++;
	console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${what}` +
	    (detail !== undefined ? ` # ${JSON.stringify(detail)}` : ''));
	if (!ok)
		failed++;
	return ok;
}
export function plan() {
	console.log(`1..${n}`);
	return failed ? 1 : 0;
}

/* An exception out of a run: one failed check with its first line. */
export function crashed(e) {
	check(false, 'browser run', String(e && e.message || e).split('\n')[0]);
}

/* The end of a run once the browser is closed: no console errors, the
 * plan, the screenshots that were taken (names in dir), and the exit. */
export function finish(dir, shots) {
	check(errors.length === 0, 'no console errors', errors);
	const rc = plan();
	for (const f of shots)
		if (existsSync(join(dir, f)))
			console.log(`# screenshot: ${join(dir, f)}`);
	process.exit(rc);
}

/* Console errors, page errors and failed requests, as "tag: what".
 * expected(text, url): true for an error the test brings about itself
 * (Chromium logs every refused request and WebSocket). */
export const errors = [];
export function watch(page, tag, expected = () => false) {
	page.on('console', (m) => {
		if (m.type() === 'error' &&
		    !expected(m.text(), m.location().url || ''))
			errors.push(`${tag}: console: ${m.text()}`);
	});
	page.on('pageerror', (e) => errors.push(`${tag}: pageerror: ${e.message}`));
	page.on('requestfailed', (r) => {
		/* Leaving the page aborts its socket: not an error. */
		if (!r.url().includes('/websocket/'))
			errors.push(`${tag}: requestfailed: ${r.url()}`);
	});
}

export const stats = (page) => page.evaluate(() => window.rerocctv.stats());
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitLive(page, minShown, timeout = 15000) {
	await page.waitForFunction((min) => {
		const s = window.rerocctv && window.rerocctv.stats();
		return s && s.status === 'live' && s.shown > min;
	}, minShown, { timeout, polling: 100 });
}

/* Luma spread of the drawn picture (the canvas sel, the single view's by
 * default), scaled down: a blank canvas has none. */
export async function pictureSpread(page, sel = '#video') {
	return page.evaluate((sel) => {
		const v = document.querySelector(sel);
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
	}, sel);
}

/* The page believes it is hidden (or shown): headless Chromium never
 * hides a page itself (another tab in front, a minimised window), so
 * the page's own visibilitychange handler is run with what it reads. */
export async function setHidden(page, hidden) {
	await page.evaluate((h) => {
		Object.defineProperty(document, 'hidden',
		    { value: h, configurable: true });
		Object.defineProperty(document, 'visibilityState',
		    { value: h ? 'hidden' : 'visible', configurable: true });
		document.dispatchEvent(new Event('visibilitychange'));
	}, hidden);
}
