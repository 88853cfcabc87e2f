// controls.mjs: the camera controls in the web client, in headless
// Chromium, against the emulated camera: the section and its rows (a
// slider, switch, list or button each), inactive and read-only controls
// disabled, a slider drag sent once and the value reaching the server,
// the value the camera took shown, auto modes enabling what they set,
// reset per control and for all; with accounts, shown to an admin only;
// on the test pattern, not shown at all.
// Usage: node tests/controls.mjs BASE_URL OUTDIR [open|accounts|none]
// (exit 0 ok, 1 fail, 77 skip). accounts needs RR_ADMIN=user:password
// and RR_VIEWER=user:password.
import { join } from 'node:path';
import { launch, check, crashed, finish, watch, sleep, waitLive }
    from './browser-lib.mjs';

const [rawBase, outdir, mode = 'open'] = process.argv.slice(2);
const base = (rawBase || '').replace(/\/+$/, '');
if (!base || !outdir || !['open', 'accounts', 'none'].includes(mode)) {
	console.error('usage: node controls.mjs BASE_URL OUTDIR [open|accounts|none]');
	process.exit(2);
}
const split = (v) => { const i = (v || '').indexOf(':'); return [v.slice(0, i), v.slice(i + 1)]; };

const browser = await launch(120000);
const shots = [];
const visible = (page, sel) => page.locator(sel).isVisible();

/* The server's view, from outside the page (credentials: user:pw). */
async function serverControls(cred) {
	const h = cred ? { Authorization: 'Basic ' +
	    Buffer.from(cred).toString('base64') } : {};
	const r = await fetch(base + '/controls', { headers: h });
	const j = await r.json();
	return Object.fromEntries(j.controls.map((c) => [c.name, c]));
}
async function serverValue(name, cred) {
	return (await serverControls(cred))[name].value;
}
/* Waits until the server says name is v. */
async function serverHas(name, v, cred, ms = 5000) {
	const end = Date.now() + ms;
	let got;
	while (Date.now() < end) {
		got = await serverValue(name, cred);
		if (got === v)
			return true;
		await sleep(100);
	}
	console.log(`# ${name}: the server has ${got}, not ${v}`);
	return false;
}
const row = (page, name) => page.locator(`.ctl[data-name="${name}"]`);
/* Waits until the row's shown value is v (what the camera took). */
async function rowShows(page, name, v, ms = 5000) {
	try {
		await page.waitForFunction(([n, want]) => {
			const r = document.querySelector(`.ctl[data-name="${n}"]`);
			return r && r.dataset.value === want;
		}, [name, String(v)], { timeout: ms, polling: 50 });
		return true;
	} catch (e) {
		return false;
	}
}
async function rowInactive(page, name) {
	return page.evaluate((n) => {
		const r = document.querySelector(`.ctl[data-name="${n}"]`);
		return r.classList.contains('inactive') &&
		    r.querySelector('input, select, button').disabled;
	}, name);
}
async function openSection(page) {
	await page.locator('#camera').waitFor({ state: 'visible', timeout: 10000 });
	await page.locator('#camera-box summary').click();
	await page.locator('.ctl').first().waitFor({ state: 'visible', timeout: 5000 });
}
async function logIn(page, user, pw) {
	await page.getByLabel('User name').fill(user);
	await page.getByLabel('Password').fill(pw);
	await page.locator('#login-go').click();
	await page.waitForFunction(() => document.body.dataset.view === 'stream',
	    null, { timeout: 20000, polling: 50 });
}

async function openServer(page) {
	const posts = [];
	page.on('request', (r) => {
		if (r.url().endsWith('/controls') && r.method() === 'POST')
			posts.push(r.postData());
	});
	await openSection(page);

	/* The rows: one per control, in the camera's order, each its kind. */
	const kinds = await page.evaluate(() =>
	    [...document.querySelectorAll('.ctl')].map((r) => [r.dataset.name,
	    r.querySelector('input[type=range]') ? 'slider' :
	    r.querySelector('input[type=checkbox][role=switch]') ? 'switch' :
	    r.querySelector('select') ? 'list' : r.querySelector('button.btn') ?
	    'button' : '?']));
	const want = await serverControls();
	check(kinds.length === Object.keys(want).length && kinds.length >= 15,
	    'a row per control', kinds.length);
	const kindOf = Object.fromEntries(kinds);
	check(kindOf.brightness === 'slider' &&
	    kindOf.white_balance_automatic === 'switch' &&
	    kindOf.power_line_frequency === 'list' &&
	    kindOf.auto_exposure === 'list' && kindOf.pan_reset === 'button',
	    'sliders, switches, lists and a button', kindOf);
	const menu = await page.locator('#ctl-power_line_frequency option')
	    .allTextContents();
	check(menu.join('|') === 'Disabled|50 Hz|60 Hz', 'the menu items', menu);
	check(await rowInactive(page, 'white_balance_temperature') &&
	    await rowInactive(page, 'exposure_time_absolute') &&
	    await rowInactive(page, 'focus_absolute'),
	    'inactive controls greyed and disabled');
	check(await page.locator('#ctl-privacy').isDisabled() &&
	    !await page.locator('#ctl-brightness').isDisabled(),
	    'read-only disabled, others enabled');
	check(await page.locator('.ctl[data-name="brightness"] output')
	    .textContent() === '128', 'a slider shows its value');

	/* A drag: many input events, one request once it ends. */
	const n0 = posts.length;
	await page.evaluate(() => {
		const el = document.getElementById('ctl-brightness');
		for (let v = 130; v <= 190; v += 5) {
			el.value = String(v);
			el.dispatchEvent(new Event('input', { bubbles: true }));
		}
		el.dispatchEvent(new Event('change', { bubbles: true }));
	});
	check(await serverHas('brightness', 190), 'a slider change reaches the server');
	check(await rowShows(page, 'brightness', 190), 'the row shows 190');
	await sleep(400);
	check(posts.length - n0 === 1, 'a drag of 13 steps sent once',
	    posts.slice(n0));
	await page.locator('#ctl-brightness').fill('220');
	check(await serverHas('brightness', 220), 'fill 220 reaches the server');

	/* The automatic white balance off: its temperature can be set. */
	await page.locator('#ctl-white_balance_automatic').click();
	check(await serverHas('white_balance_automatic', false),
	    'the switch reaches the server');
	await page.waitForFunction(() => !document.querySelector(
	    '.ctl[data-name="white_balance_temperature"]').classList
	    .contains('inactive'), null, { timeout: 5000 });
	check(!await page.locator('#ctl-white_balance_temperature').isDisabled(),
	    'the temperature is enabled once auto is off');
	await page.locator('#ctl-white_balance_temperature').fill('5000');
	check(await serverHas('white_balance_temperature', 5000),
	    'the temperature set');

	/* Manual exposure: the camera takes 312 for 300, and the row says so. */
	await page.locator('#ctl-auto_exposure').selectOption('1');
	check(await serverHas('auto_exposure', 1), 'a list choice reaches the server');
	await page.waitForFunction(() => !document.getElementById(
	    'ctl-exposure_time_absolute').disabled, null, { timeout: 5000 });
	await page.locator('#ctl-exposure_time_absolute').fill('300');
	check(await serverHas('exposure_time_absolute', 312) &&
	    await rowShows(page, 'exposure_time_absolute', 312) &&
	    await page.locator('.ctl[data-name="exposure_time_absolute"] output')
	    .textContent() === '312', 'the value the camera took is shown (312)');
	await page.locator('#ctl-power_line_frequency').selectOption('1');
	check(await serverHas('power_line_frequency', 1), 'the menu set');
	await sleep(300);
	await page.locator('#panel').evaluate((p) => { p.scrollTop = p.scrollHeight; });
	await page.locator('#camera').screenshot({ path: join(outdir, 'controls.png') });
	shots.push('controls.png');

	/* Back to the default, one control, then all. */
	await page.locator('.ctl[data-name="brightness"] .ctl-reset').click();
	check(await serverHas('brightness', 128), 'reset brightness to 128');
	check(await page.locator('.ctl[data-name="brightness"] .ctl-reset')
	    .waitFor({ state: 'hidden', timeout: 5000 }).then(() => true,
	    () => false), 'its reset is hidden at the default');
	await page.locator('#ctl-reset-all').click();
	await page.waitForFunction(() => /defaults/.test(
	    document.getElementById('ctl-msg').textContent), null,
	    { timeout: 5000 });
	const after = await serverControls();
	const off = Object.values(after).filter((c) => c.value !== null &&
	    !c.read_only && c.value !== c.default).map((c) => c.name);
	check(off.length === 0, 'reset all: every control at its default', off);
	check(await rowInactive(page, 'white_balance_temperature') &&
	    await rowInactive(page, 'exposure_time_absolute'),
	    'reset all: the automatic modes are back');
	await page.locator('#camera').screenshot({ path: join(outdir, 'controls-reset.png') });
	shots.push('controls-reset.png');
}

async function accounts(ctx) {
	const [admin, adminPw] = split(process.env.RR_ADMIN);
	const [viewer, viewerPw] = split(process.env.RR_VIEWER);
	const page = await ctx.newPage();
	watch(page, 'viewer');
	await page.goto(base + '/', { waitUntil: 'load' });
	await page.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	await logIn(page, viewer, viewerPw);
	await waitLive(page, 3);
	await sleep(1000);
	check(!await visible(page, '#camera'), 'a viewer sees no camera controls');
	await page.locator('#btn-logout').click();
	await page.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	await logIn(page, admin, adminPw);
	await waitLive(page, 3);
	await openSection(page);
	check(await visible(page, '#camera'), 'an admin does');
	await page.locator('#ctl-brightness').fill('170');
	check(await serverHas('brightness', 170, `${admin}:${adminPw}`),
	    'an admin\'s change reaches the server (session cookie)');
	await page.locator('#btn-logout').click();
	await page.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	check(!await visible(page, '#camera'), 'gone after logout');
}

try {
	const ctx = await browser.newContext({
		viewport: { width: 1280, height: 2000 },
		deviceScaleFactor: 1,
	});
	if (mode === 'accounts') {
		await accounts(ctx);
	} else {
		const page = await ctx.newPage();
		watch(page, mode);
		await page.goto(base + '/', { waitUntil: 'load' });
		await waitLive(page, 5);
		if (mode === 'open') {
			await openServer(page);
		} else {
			await sleep(1500);
			check(!await visible(page, '#camera'),
			    'no camera controls on the test pattern');
		}
	}
	await ctx.close();
} catch (e) {
	crashed(e);
} finally {
	await browser.close();
}

finish(outdir, shots);
