// login.mjs: the web client against a server with accounts, in headless
// Chromium: the login view and no frames before a login, a wrong password
// refused, the right one streams, the session cookie out of the page's
// reach, logout, a share link made from the page and watched without an
// account, and the login view again when the session goes away.
// Usage: node tests/login.mjs BASE_URL OUTDIR (exit 0 ok, 1 fail, 77 skip)
// Environment: RR_ADMIN=user:password, RR_VIEWER=user:password,
// RR_AUTH_FILE and RR_SERVER_PID (to end access: a new share secret, the
// viewer removed from the file, and SIGHUP to the server each time).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, check, crashed, finish, watch, stats, sleep, waitLive,
    pictureSpread } from './browser-lib.mjs';

const [rawBase, outdir] = process.argv.slice(2);
const base = (rawBase || '').replace(/\/+$/, '');
const split = (v) => { const i = (v || '').indexOf(':'); return [v.slice(0, i), v.slice(i + 1)]; };
const [admin, adminPw] = split(process.env.RR_ADMIN || ':');
const [viewer, viewerPw] = split(process.env.RR_VIEWER || ':');
if (!base || !outdir || !admin || !viewer) {
	console.error('usage: RR_ADMIN=u:p RR_VIEWER=u:p node login.mjs BASE_URL OUTDIR');
	process.exit(2);
}

const browser = await launch(150000);
const shots = [];
async function shot(page, name) {
	await page.screenshot({ path: join(outdir, name) });
	shots.push(name);
}
const visible = (page, sel) => page.locator(sel).isVisible();

/* The page's WebSocket attempts, counted from outside. */
function countSockets(page) {
	const seen = { n: 0 };
	page.on('websocket', () => seen.n++);
	return seen;
}

/* Submits the login form and waits until the check is over (the button
 * says "Log in" again, or the login view is gone). */
async function logIn(page, user, pw) {
	await page.getByLabel('User name').fill(user);
	await page.getByLabel('Password').fill(pw);
	await page.locator('#login-go').click();
	await page.waitForFunction(() => document.body.dataset.view !== 'login' ||
	    !document.getElementById('login-go').disabled, null,
	    { timeout: 20000, polling: 50 });
}

try {
	/* ---- before a login: the login view, no socket, no frames ---- */
	const ctx = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
	});
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'],
	    { origin: base });
	const page = await ctx.newPage();
	/* Chromium logs each refused login; those are the test's own. */
	watch(page, 'admin', (text, url) => /status of 403/.test(text) &&
	    url === base + '/login');
	const sockets = countSockets(page);
	const logins = [];
	page.on('request', (r) => {
		if (r.url().endsWith('/login') && r.method() === 'POST')
			logins.push(r.url());
	});
	await page.goto(base + '/', { waitUntil: 'load' });
	await page.locator('#login-form').waitFor({ state: 'visible',
	    timeout: 10000 });
	await sleep(1500);
	let s = await stats(page);
	check(!await visible(page, '#video') && !await visible(page, '.topbar'),
	    'login view instead of the stream');
	check(s.frames === 0 && s.shown === 0 && sockets.n === 0,
	    'no socket, no frames before a login',
	    { frames: s.frames, sockets: sockets.n });
	check(await page.getByLabel('User name').isEditable() &&
	    await page.getByLabel('Password').getAttribute('type') === 'password',
	    'the fields have labels; the password is masked');
	await shot(page, 'login.png');

	/* ---- a wrong password: an error, still nothing ---- */
	await logIn(page, admin, 'not-' + adminPw);
	const msg = await page.locator('#login-msg').textContent();
	s = await stats(page);
	check(/wrong user name or password/i.test(msg) &&
	    await visible(page, '#login-form'), 'a wrong password is refused',
	    msg);
	check(s.frames === 0 && sockets.n === 0 &&
	    await page.getByLabel('Password').inputValue() === '',
	    'no frames after it, and the password field is emptied',
	    { frames: s.frames, sockets: sockets.n });
	await shot(page, 'login-wrong.png');

	/* After 5 failures the server answers slowly: the page shows that it
	 * is checking and sends one request however often one submits. */
	for (let i = 0; i < 4; i++)
		await logIn(page, admin, 'not-' + adminPw);
	const before = logins.length;
	await page.getByLabel('Password').fill('still-not-' + adminPw);
	await page.locator('#login-go').click();
	await sleep(300);
	const busy = await page.evaluate(() => ({
		text: document.getElementById('login-go').textContent,
		disabled: document.getElementById('login-go').disabled,
	}));
	await shot(page, 'login-checking.png');
	await page.getByLabel('Password').press('Enter');
	await page.locator('#login-form').dispatchEvent('submit');
	check(busy.disabled && /checking/i.test(busy.text),
	    'a slowed check shows "Checking…" and a disabled button', busy);
	await page.waitForFunction(() =>
	    !document.getElementById('login-go').disabled, null,
	    { timeout: 20000, polling: 50 });
	check(logins.length === before + 1, 'one request for three submits',
	    logins.length - before);

	/* ---- the right password: live frames ---- */
	await logIn(page, admin, adminPw);
	await waitLive(page, 10);
	const a = await stats(page);
	await sleep(1500);
	const b = await stats(page);
	check(b.status === 'live' && b.frames > a.frames && b.fps > 3,
	    'logged in: live frames', { frames: [a.frames, b.frames], fps: b.fps });
	const px = await pictureSpread(page);
	check(px.sd > 8, 'picture is not blank', px);
	check(await page.locator('#user-name').textContent() === admin &&
	    await visible(page, '#btn-logout') && await visible(page, '#btn-share'),
	    'top bar: the user, log out, share');

	/* The session is a cookie the page cannot read; nothing is kept. */
	const cookies = await ctx.cookies(base);
	const sess = cookies.find((c) => c.name === 'rerocctv_session');
	const inPage = await page.evaluate(() => ({
		cookie: document.cookie,
		stored: JSON.stringify([{ ...localStorage }, { ...sessionStorage }]),
	}));
	check(sess && sess.httpOnly && sess.sameSite === 'Strict',
	    'the session cookie is HttpOnly, SameSite=Strict', sess &&
	    { httpOnly: sess.httpOnly, sameSite: sess.sameSite });
	check(!inPage.cookie.includes('rerocctv_session') &&
	    !inPage.stored.includes(adminPw) && !inPage.stored.includes(sess.value),
	    'no cookie, password or session id visible to the page', inPage);
	await shot(page, 'live.png');

	/* ---- a share link, made from the page ---- */
	await page.locator('#btn-share').click();
	await page.locator('#share-dlg').waitFor({ state: 'visible', timeout: 3000 });
	await page.locator('#share-exp').selectOption('1h');
	await page.locator('#share-q').selectOption('60');
	await page.locator('#share-make').click();
	await page.locator('#share-out').waitFor({ state: 'visible', timeout: 5000 });
	const link = await page.locator('#share-link').inputValue();
	const note = await page.locator('#share-msg').textContent();
	check(link.startsWith(base + '/s/') && /^\/s\/[0-9a-f]{16,}\/$/.test(
	    new URL(link).pathname), 'the dialog shows a full link', link);
	check(/1 hour/.test(note) && /q60/.test(note),
	    'and says for how long, and the cap', note);
	await page.locator('#share-copy').click();
	await page.waitForFunction(() => document.getElementById('share-copy')
	    .textContent === 'Copied', null, { timeout: 3000 });
	const clip = await page.evaluate(() => navigator.clipboard.readText());
	check(clip === link, 'Copy puts the link on the clipboard', clip);
	await shot(page, 'share.png');
	await page.locator('#share-close').click();

	/* ---- logout: the login view again, the stream stops ---- */
	await page.locator('#btn-logout').click();
	await page.locator('#login-form').waitFor({ state: 'visible', timeout: 5000 });
	const c = await stats(page);
	await sleep(1500);
	const d = await stats(page);
	check(d.status !== 'live' && d.frames === c.frames,
	    'logged out: the stream stops', { status: d.status,
	    frames: [c.frames, d.frames] });
	check(/logged out/i.test(await page.locator('#login-msg').textContent()),
	    'and the login view says so');
	const gone = (await ctx.cookies(base)).some((k) =>
	    k.name === 'rerocctv_session');
	const who = await page.evaluate(() =>
	    fetch('session').then((r) => r.json()));
	check(!gone && who.user === null, 'the cookie and the session are gone',
	    { cookie: gone, session: who });

	/* ---- the link, in a browser that never logged in ---- */
	const anon = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
	});
	const sp = await anon.newPage();
	/* Chromium logs the refusals of a voided link (the test's own). */
	watch(sp, 'share', (text, url) => /status of 403/.test(text) &&
	    url === link + 'session');
	await sp.goto(link, { waitUntil: 'load' });
	await waitLive(sp, 10);
	const ss = await stats(sp);
	const smax = await sp.locator('#q-slider').getAttribute('max');
	check(ss.status === 'live' && ss.q <= 60 && smax === '60',
	    'share link: live frames without a login, capped at q60',
	    { status: ss.status, q: ss.q, slider_max: smax });
	check((await pictureSpread(sp)).sd > 8, 'share link: a picture');
	check(!await visible(sp, '#login-form') &&
	    !await visible(sp, '#btn-share') && !await visible(sp, '#btn-logout'),
	    'share link: no login, share or logout');
	const snap = await sp.evaluate(async () => {
		const a = document.querySelector('.links a[href="snapshot"]');
		const r = await fetch(a.href);
		return { href: a.href, status: r.status };
	});
	check(snap.href === link + 'snapshot' && snap.status === 200,
	    'share link: the panel links stay under it', snap);
	await shot(sp, 'share-viewer.png');

	/* A new secret voids every link: SIGHUP closes the stream (1008),
	 * and the page says why instead of a login it could not use. */
	const file = process.env.RR_AUTH_FILE, pid = Number(process.env.RR_SERVER_PID);
	if (file && pid) {
		writeFileSync(file + '.secret', 'ab'.repeat(32) + '\n');
		process.kill(pid, 'SIGHUP');
		await sp.waitForFunction(() =>
		    window.rerocctv.stats().status === 'denied', null,
		    { timeout: 10000, polling: 100 });
		const ot = await sp.locator('#overlay-text').textContent();
		check(/not valid/.test(ot) && !await visible(sp, '#login-form') &&
		    await visible(sp, '#btn-retry'),
		    'share link voided: the page says so, offers no login', ot);
		await shot(sp, 'share-void-phone.png');
	} else {
		check(false, 'share link voided: needs RR_AUTH_FILE, RR_SERVER_PID');
	}
	await anon.close();

	/* ---- a session gone while the socket reconnects ---- */
	const vctx = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
	});
	/* The page's sockets, so that one can be dropped from outside. */
	await vctx.addInitScript(() => {
		const W = window.WebSocket;
		window.testSockets = [];
		window.WebSocket = function (url, protocols) {
			const s = new W(url, protocols);
			window.testSockets.push(s);
			return s;
		};
		window.WebSocket.prototype = W.prototype;
		['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach((k) => {
			window.WebSocket[k] = W[k];
		});
	});
	const vp = await vctx.newPage();
	/* Chromium logs the refused reconnect this test brings about. */
	watch(vp, 'viewer', (text) => /^WebSocket connection to .* failed: HTTP Authentication failed/.test(text));
	const vsockets = countSockets(vp);
	await vp.goto(base + '/', { waitUntil: 'load' });
	await vp.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	await logIn(vp, viewer, viewerPw);
	await waitLive(vp, 5);
	check(await vp.locator('#user').isVisible() &&
	    !await visible(vp, '#btn-share'), 'a viewer: logout but no share');
	await shot(vp, 'viewer-phone.png');
	/* The cookie goes (as when the server restarted and forgot it), the
	 * socket drops, the reconnect is refused: the page must ask and show
	 * the login view instead of knocking again and again. */
	await vctx.clearCookies();
	await vp.evaluate(() => window.testSockets.at(-1).close());
	await vp.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	const knocks = vsockets.n;
	await sleep(3000);
	check(vsockets.n === knocks && knocks <= 3,
	    'a refused reconnect leads to the login view, and no more sockets',
	    { sockets: vsockets.n, before: knocks });

	/* Access revoked: the viewer's line goes, SIGHUP, the server closes
	 * the stream with 1008, and the page shows the login view. */
	await logIn(vp, viewer, viewerPw);
	await waitLive(vp, 5);
	if (file && pid) {
		writeFileSync(file, readFileSync(file, 'utf8').split('\n')
		    .filter((l) => !l.startsWith(viewer + ':')).join('\n'));
		process.kill(pid, 'SIGHUP');
		await vp.locator('#login-form').waitFor({ state: 'visible',
		    timeout: 10000 });
		const vm = await vp.locator('#login-msg').textContent();
		const vs = await stats(vp);
		check(/session has ended/i.test(vm) && vs.status !== 'live',
		    'revoked: closed with 1008, the login view says why', vm);
		await shot(vp, 'revoked-phone.png');
	} else {
		check(false, 'revoked: needs RR_AUTH_FILE and RR_SERVER_PID');
	}
	await vctx.close();
	await ctx.close();
} catch (e) {
	crashed(e);
} finally {
	await browser.close();
}

finish(outdir, shots);
