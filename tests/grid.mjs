// grid.mjs: a server with several cameras, in headless Chromium. The page
// shows a grid of them all, each tile its own auto stream at the size the
// tile is drawn at; tiles out of view and a hidden tab have no socket; a
// tile opens that camera's single view at #/c/NAME (a click, Enter, or a
// bookmark), and the back button returns to the grid; a phone shows one
// column. Sockets are watched from outside too (CDP) and on the server
// (GET c/NAME/state).
// Usage: node tests/grid.mjs BASE_URL OUTDIR [two|many|accounts]
// (exit 0 ok, 1 fail, 77 skip). two: cameras front (640x480) and back
// (320x240, 15 fps); many: five or more cameras; accounts: front and back
// with RR_ADMIN=user:password (every camera), RR_VIEWER (a viewer of back
// only) and RR_LIMITED (an admin of back only): a share link for one
// camera, and accounts that see one camera of two.
import { join } from 'node:path';
import { launch, check, crashed, finish, watch, stats, sleep, waitLive,
    pictureSpread, setHidden } from './browser-lib.mjs';

const [rawBase, outdir, mode = 'two'] = process.argv.slice(2);
const base = (rawBase || '').replace(/\/+$/, '');
if (!base || !outdir || !['two', 'many', 'accounts'].includes(mode)) {
	console.error('usage: node grid.mjs BASE_URL OUTDIR [two|many|accounts]');
	process.exit(2);
}

const browser = await launch(180000);
const shots = [];
async function shot(page, name) {
	await page.screenshot({ path: join(outdir, name) });
	shots.push(name);
}

const state = async () => (await fetch(base + '/state')).json();
const camState = async (name) => (await fetch(`${base}/c/${name}/state`)).json();
const tiles = (page) => page.evaluate(() => window.rerocctv.tiles());
const view = (page) => page.evaluate(() => window.rerocctv.view());
const hash = (page) => new URL(page.url()).hash;
const named = (list, name) => list.find((t) => t.name === name);

/* Polls fn until it returns something true, for ms at most; its last
 * value. */
async function until(fn, ms = 5000) {
	const end = Date.now() + ms;
	let v;
	while (!(v = await fn()) && Date.now() < end)
		await sleep(100);
	return v;
}

/* A page that counts CSP violations, with its WebSockets seen from
 * outside: per socket its path under the base, open or not, and the
 * binary frames it got. */
async function open(ctx, tag, path = '/') {
	const page = await ctx.newPage();
	watch(page, tag);
	await page.addInitScript(() => {
		window.cspViolations = [];
		document.addEventListener('securitypolicyviolation', (e) =>
		    window.cspViolations.push(e.violatedDirective + ' ' +
		    e.blockedURI));
	});
	const socks = [];
	page.on('websocket', (ws) => {
		const s = { path: new URL(ws.url()).pathname.slice(1),
		    open: true, frames: 0 };
		socks.push(s);
		ws.on('framereceived', (f) => {
			if (typeof f.payload !== 'string')
				s.frames++;
		});
		ws.on('close', () => { s.open = false; });
	});
	const resp = await page.goto(base + path, { waitUntil: 'load' });
	return { page, socks, resp };
}
const openSocks = (socks, name) => socks.filter((s) => s.open &&
    (name === undefined || s.path.startsWith(`c/${name}/`)));

/* Until the grid shows and every named tile is live with more than min
 * frames on its current socket. */
async function waitTiles(page, names, min = 5, timeout = 15000) {
	await page.waitForFunction(([names, min]) => {
		const r = window.rerocctv;
		if (!r || r.view().view !== 'grid')
			return false;
		const ts = r.tiles();
		return names.every((n) => {
			const t = ts.find((x) => x.name === n);
			return t && t.status === 'live' && t.frames_conn > min;
		});
	}, [names, min], { timeout, polling: 100 });
}
async function waitView(page, v, camera = null) {
	await page.waitForFunction(([v, camera]) => {
		const s = window.rerocctv.view();
		return s.view === v && s.camera === camera;
	}, [v, camera], { timeout: 10000, polling: 50 });
}

/* Each tile's picture box, in CSS pixels of the viewport. */
async function boxes(page) {
	return page.evaluate(() => Object.fromEntries([...document
	    .querySelectorAll('.cam')].map((a) => {
		const r = a.querySelector('canvas').getBoundingClientRect();
		return [a.dataset.name, { x: r.x, y: r.y, w: r.width, h: r.height }];
	})));
}

/* The widest frame a tile may get: the smallest scale of the camera's
 * width (a quarter, a half, all of it) that covers the tile's width in
 * device pixels, with 5% to spare. */
function widest(srcW, tileW, dpr) {
	for (const w of [srcW / 4, srcW / 2])
		if (w >= tileW * dpr * 0.95)
			return w;
	return srcW;
}

async function noViolations(page, tag) {
	const csp = await page.evaluate(() => window.cspViolations);
	check(csp.length === 0, `${tag}: no CSP violation`, csp);
}

async function two() {
	const st = await state();
	const list = Array.isArray(st.cameras) ? st.cameras : [];
	check(list.map((c) => c.name).join(' ') === 'front back' &&
	    list.every((c) => c.path === `c/${c.name}/` && c.source &&
	    c.source.w > 0), 'GET state lists the cameras, in order',
	    list.map((c) => [c.name, c.path, c.source && c.source.w]));
	const src = Object.fromEntries(list.map((c) => [c.name, c.source]));
	const names = ['front', 'back'];

	/* ---- desktop: the grid ---- */
	const desk = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
	});
	const { page, socks, resp } = await open(desk, 'desktop');
	await waitTiles(page, names, 10);
	check(/default-src 'self'/.test(resp.headers()['content-security-policy'] ||
	    ''), 'the page sends its CSP');
	const v = await view(page);
	check(v.view === 'grid' && v.cameras.join(' ') === 'front back' &&
	    hash(page) === '', 'two cameras: a grid of both at /', v);
	const a = await tiles(page);
	await sleep(2000);
	const b = await tiles(page);
	for (const n of names) {
		const ta = named(a, n), tb = named(b, n);
		check(tb.status === 'live' && tb.frames > ta.frames &&
		    tb.shown > ta.shown, `${n}: frames keep coming`,
		    { frames: [ta.frames, tb.frames], shown: tb.shown });
		const px = await pictureSpread(page, `.cam[data-name="${n}"] canvas`);
		check(px.sd > 8, `${n}: the tile shows a picture`, px);
		const badge = await page.locator(`.cam[data-name="${n}"] .cam-badge`)
		    .textContent();
		check(/^live · \d+ fps$/.test(badge), `${n}: the badge says live and the fps`,
		    badge);
		check(await page.getByRole('link', { name: new RegExp(`^Camera ${n}\\b`) })
		    .getAttribute('href') === `#/c/${n}`,
		    `${n}: the tile is a link named after its camera`);
	}
	check(named(b, 'back').recv_fps < 17 && named(b, 'front').fps > 3,
	    'each tile streams its own camera (back: 15 fps)',
	    { front: named(b, 'front').recv_fps, back: named(b, 'back').recv_fps });
	let bx = await boxes(page);
	check(Math.abs(bx.front.y - bx.back.y) < 1 &&
	    bx.back.x >= bx.front.x + bx.front.w, 'desktop: two columns', bx);
	check(socks.length === 2 && openSocks(socks, 'front').length === 1 &&
	    openSocks(socks, 'back').length === 1 &&
	    socks.every((s) => /^c\/(front|back)\/websocket\/auto$/.test(s.path)),
	    'a socket per tile at c/NAME/websocket/auto, none for a single view',
	    socks.map((s) => s.path));
	await shot(page, 'grid-desktop.png');

	/* ---- a small window: each tile asks for frames its size ---- */
	await page.setViewportSize({ width: 660, height: 560 });
	await sleep(4500);		/* auto's ticks, once a second */
	bx = await boxes(page);
	const small = await tiles(page);
	for (const n of names) {
		const t = named(small, n), lim = widest(src[n].w, bx[n].w, 1);
		check(t.status === 'live' && t.w > 0 && t.w <= lim,
		    `${n}: a ${Math.round(bx[n].w)} px tile gets frames at most ${lim} wide`,
		    { w: t.w, h: t.h, view: t.view, source: src[n].w });
		const cs = await camState(n);
		const ws = (cs.clients || []).filter((c) => c.kind === 'websocket');
		check(cs.camera === n && ws.length === 1 && ws[0].view === t.view,
		    `${n}: its state has one stream, told the tile's size`,
		    { camera: cs.camera, clients: ws.map((c) => [c.view, c.rung]),
		      view: t.view });
	}
	await shot(page, 'grid-small.png');
	await page.setViewportSize({ width: 1280, height: 800 });

	/* ---- a hidden tab: no socket at all ---- */
	await setHidden(page, true);
	const t0 = Date.now();
	const shut = await until(async () => (await tiles(page))
	    .every((t) => !t.open) && !openSocks(socks).length, 3000);
	check(shut, 'hidden: every tile closes its socket',
	    { ms: Date.now() - t0, open: openSocks(socks).map((s) => s.path) });
	const idle = await until(async () => {
		for (const n of names)
			if ((await camState(n)).clients.length)
				return false;
		return true;
	}, 3000);
	check(idle, 'hidden: the server streams to nobody');
	const h0 = await tiles(page);
	await sleep(1000);
	const h1 = await tiles(page);
	check(h1.every((t, i) => t.frames === h0[i].frames &&
	    t.status === 'resting'), 'hidden: no frames, the tiles rest',
	    h1.map((t) => [t.name, t.status, t.frames - named(h0, t.name).frames]));
	await setHidden(page, false);
	const t1 = Date.now();
	await waitTiles(page, names, 3);
	check(Date.now() - t1 < 3000 && openSocks(socks).length === 2,
	    'shown again: every tile live at once', { ms: Date.now() - t1 });

	/* ---- a click: back's single view ---- */
	await page.locator('.cam[data-name="back"]').click();
	await waitView(page, 'stream', 'back');
	check(hash(page) === '#/c/back', 'a click on back: #/c/back', page.url());
	await waitLive(page, 5);
	const res = await until(() => page.locator('#st-res')
	    .getAttribute('data-value').then((r) => r === '320x240' && r), 8000);
	check(res === '320x240', 'the single view\'s stats show back\'s 320x240',
	    await page.locator('#st-res').getAttribute('data-value'));
	const one = await until(() => openSocks(socks).length === 1 &&
	    !openSocks(socks, 'front').length, 3000);
	check(one && (await tiles(page)).every((t) => !t.open) &&
	    (await stats(page)).base === 'c/back/',
	    'the single view has the only socket, at c/back/',
	    openSocks(socks).map((s) => s.path));
	check((await camState('front')).clients.length === 0,
	    'front streams to nobody meanwhile');
	check(await page.locator('#cam-name').textContent() === 'back' &&
	    await page.locator('#btn-grid').isVisible(),
	    'the top bar names the camera and has a way back');
	const snap = await page.evaluate(async () => {
		const a = document.getElementById('snap-link');
		const r = await fetch(a.href);
		return { href: a.getAttribute('href'), status: r.status,
		    type: r.headers.get('content-type') };
	});
	check(snap.href === 'c/back/snapshot' && snap.status === 200 &&
	    /^image\/jpeg/.test(snap.type), 'its snapshot link is back\'s', snap);
	await sleep(1000);
	await shot(page, 'single-back.png');

	/* ---- the back button: the grid again ---- */
	await page.goBack();
	await waitView(page, 'grid');
	await waitTiles(page, names, 0);
	check(hash(page) === '' && !(await stats(page)).open &&
	    await until(() => openSocks(socks).length === 2, 3000),
	    'back: the grid, the single view\'s socket closed', page.url());
	check(await page.evaluate(() => document.activeElement.dataset.name) ===
	    'back', 'back: the focus on the tile we came from');

	/* ---- the keyboard: Enter on a tile, then the grid button ---- */
	await page.locator('.cam[data-name="front"]').focus();
	await page.keyboard.press('Enter');
	await waitView(page, 'stream', 'front');
	check(hash(page) === '#/c/front', 'Enter on front: #/c/front');
	await waitLive(page, 3);
	await page.locator('#btn-grid').click();
	await waitView(page, 'grid');
	check(hash(page) === '', 'the grid button: the grid again');
	await waitTiles(page, names, 0);
	await noViolations(page, 'desktop');
	await desk.close();

	/* ---- a bookmark of #/c/back: that camera, no tile ---- */
	const bm = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const o = await open(bm, 'bookmark', '/#/c/back');
	await waitLive(o.page, 5);
	const bv = await view(o.page);
	check(bv.view === 'stream' && bv.camera === 'back' &&
	    o.socks.length === 1 && o.socks[0].path === 'c/back/websocket/auto',
	    'a bookmarked #/c/back opens back, and no tile',
	    { view: bv, socks: o.socks.map((s) => s.path) });
	await o.page.evaluate(() => { location.hash = '#/c/nosuch'; });
	await waitView(o.page, 'grid');
	check(hash(o.page) === '', 'an unknown camera: the grid');
	await noViolations(o.page, 'bookmark');
	await bm.close();

	/* ---- a phone: one column ---- */
	const phone = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 3,
		isMobile: true,
		hasTouch: true,
	});
	const p = await open(phone, 'phone');
	await waitTiles(p.page, names, 5);
	bx = await boxes(p.page);
	check(Math.abs(bx.front.x - bx.back.x) < 1 && bx.front.w >= 360 &&
	    bx.back.y >= bx.front.y + bx.front.h, 'phone: one column', bx);
	await sleep(1000);
	await shot(p.page, 'grid-phone.png');
	await p.page.locator('.cam[data-name="front"]').tap();
	await waitView(p.page, 'stream', 'front');
	await waitLive(p.page, 5);
	await shot(p.page, 'single-phone.png');
	await noViolations(p.page, 'phone');
	await phone.close();
}

async function many() {
	const names = ((await state()).cameras || []).map((c) => c.name);
	check(names.length >= 5, 'five cameras or more', names);

	/* ---- desktop: three columns, every tile live ---- */
	const desk = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
	});
	const d = await open(desk, 'many');
	await waitTiles(d.page, names, 3, 20000);
	const bx = await boxes(d.page);
	const [t1, t2, t3, t4] = names.map((n) => bx[n]);
	check(Math.abs(t1.y - t3.y) < 1 && t2.x > t1.x && t3.x > t2.x &&
	    t4.y >= t1.y + t1.h && Math.abs(t4.x - t1.x) < 1,
	    `${names.length} cameras: three columns`, [t1, t2, t3, t4]);
	await sleep(1000);
	await shot(d.page, 'grid-many.png');
	await noViolations(d.page, 'many');
	await desk.close();

	/* ---- a phone: the tiles below the fold have no socket ---- */
	const phone = await browser.newContext({
		viewport: { width: 390, height: 844 },
		deviceScaleFactor: 2,
		isMobile: true,
		hasTouch: true,
	});
	const { page, socks } = await open(phone, 'many-phone');
	const seen = async () => {
		const b = await boxes(page);
		return names.filter((n) => b[n].y < 844 && b[n].y + b[n].h > 0);
	};
	await waitView(page, 'grid');
	const first = await seen();
	const below = names.filter((n) => !first.includes(n));
	check(first.length >= 1 && below.length >= 1,
	    'phone: some tiles below the fold', { first, below });
	await waitTiles(page, first, 3);
	await sleep(1500);
	let ts = await tiles(page);
	check(below.every((n) => !named(ts, n).open && named(ts, n).frames === 0 &&
	    !socks.some((s) => s.path.startsWith(`c/${n}/`))),
	    'tiles out of view never opened a socket',
	    below.map((n) => [n, named(ts, n).status, named(ts, n).frames]));
	check((await camState(below[below.length - 1])).clients.length === 0,
	    'and their cameras stream to nobody');

	/* Scrolled to the end and straight back: nothing opens or closes. */
	const grid = (y) => page.evaluate((y) => {
		const g = document.getElementById('grid');
		g.scrollTop = y < 0 ? g.scrollHeight : y;
	}, y);
	const n0 = socks.length;
	await grid(-1);
	await sleep(80);
	await grid(0);
	await sleep(1500);
	check(socks.length === n0 && openSocks(socks).length === first.length,
	    'scrolled past and back: no socket opened or closed',
	    { opened: socks.length - n0, open: openSocks(socks).length });

	/* Scrolled to the end: those now in view stream, the others close. */
	await grid(-1);
	await sleep(300);
	const last = await seen();
	const gone = names.filter((n) => !last.includes(n));
	const swapped = await until(async () => {
		ts = await tiles(page);
		return last.every((n) => named(ts, n).status === 'live') &&
		    gone.every((n) => !named(ts, n).open);
	}, 6000);
	check(swapped && gone.length >= 1 && below.every((n) => last.includes(n)),
	    'scrolled to the end: tiles now in view stream, those gone close',
	    { last, gone, status: ts.map((t) => [t.name, t.status]) });
	const f0 = named(await tiles(page), gone[0]).frames;
	await sleep(1000);
	check(named(await tiles(page), gone[0]).frames === f0 &&
	    (await camState(gone[0])).clients.length === 0,
	    `${gone[0]}, out of view: no frames, and its camera streams to nobody`);
	await shot(page, 'grid-many-phone.png');
	await noViolations(page, 'many-phone');
	await phone.close();
}

/* ---- accounts: cameras one may see ---- */

const split = (v) => {
	const i = (v || '').indexOf(':');
	return [v.slice(0, i), v.slice(i + 1)];
};

async function logIn(page, cred) {
	const [user, pw] = split(cred);
	await page.locator('#login-form').waitFor({ state: 'visible', timeout: 10000 });
	await page.getByLabel('User name').fill(user);
	await page.getByLabel('Password').fill(pw);
	await page.locator('#login-go').click();
	await page.waitForFunction(() => window.rerocctv.view().view !== 'login',
	    null, { timeout: 20000, polling: 50 });
}

/* Makes a link in the share dialog for the choice cam ('' for every
 * camera, null: the dialog's own); its URL and what the dialog said. */
async function share(page, cam) {
	await page.locator('#btn-share').click();
	await page.locator('#share-dlg').waitFor({ state: 'visible', timeout: 3000 });
	const offered = await page.locator('#share-cam option').evaluateAll((os) =>
	    os.map((o) => o.value));
	const chosen = await page.locator('#share-cam').inputValue();
	if (cam !== null)
		await page.locator('#share-cam').selectOption(cam);
	await page.locator('#share-make').click();
	await page.waitForFunction(() => !document.getElementById('share-out')
	    .hidden || document.getElementById('share-msg').classList
	    .contains('bad'), null, { timeout: 5000 });
	const out = { offered, chosen,
	    link: await page.locator('#share-link').inputValue(),
	    msg: await page.locator('#share-msg').textContent(),
	    shown: await page.locator('#share-which').isVisible() };
	await page.locator('#share-close').click();
	return out;
}

/* A fresh browser's page at path, logged in as cred (unless null), in the
 * view it settles in. */
async function visit(tag, path, cred) {
	const ctx = await browser.newContext({
		viewport: { width: 1280, height: 800 },
		deviceScaleFactor: 1,
	});
	const o = await open(ctx, tag, path);
	if (cred)
		await logIn(o.page, cred);
	await o.page.waitForFunction(() => {
		const v = window.rerocctv.view().view;
		return v === 'grid' || window.rerocctv.stats().status === 'live';
	}, null, { timeout: 15000, polling: 100 });
	return { ...o, ctx };
}

async function accounts() {
	const { RR_ADMIN: admin, RR_VIEWER: viewer, RR_LIMITED: limited } =
	    process.env;
	if (!admin || !viewer || !limited) {
		check(false, 'accounts: needs RR_ADMIN, RR_VIEWER and RR_LIMITED');
		return;
	}

	/* An admin of every camera: the grid; a link for back only. */
	const a = await visit('admin', '/', admin);
	check((await view(a.page)).view === 'grid' &&
	    await a.page.locator('#btn-share').isVisible(),
	    'an admin of both: the grid, and share');
	let sh = await share(a.page, 'back');
	check(sh.shown && sh.offered.join(' ') === ' front back' &&
	    sh.chosen === '', 'from the grid the dialog offers every camera ' +
	    'or one, every camera first', sh);
	check(/^\/s\/[0-9a-f]{16,}\/$/.test(new URL(sh.link).pathname) &&
	    new URL(sh.link).hash === '#/c/back' && /back only/.test(sh.msg),
	    'a link for back only, opening #/c/back', sh);
	const link = sh.link;
	await a.page.locator('.cam[data-name="front"]').click();
	await waitView(a.page, 'stream', 'front');
	sh = await share(a.page, null);
	check(sh.chosen === 'front' && /front only/.test(sh.msg),
	    'in front\'s single view the dialog offers front first', sh);
	await shot(a.page, 'accounts-admin.png');
	await noViolations(a.page, 'admin');
	await a.ctx.close();

	/* The link for back, in a browser with no account: back alone, at
	 * its c/back/ paths under the link. */
	const l = await visit('link', link.slice(base.length));
	await waitLive(l.page, 5);
	const lv = await view(l.page);
	const tok = new URL(link).pathname.slice(1);
	check(lv.view === 'stream' && lv.camera === 'back' &&
	    lv.cameras.join(' ') === 'back' &&
	    l.socks.map((s) => s.path).join(' ') === tok + 'c/back/websocket/auto' &&
	    !await l.page.locator('#btn-grid').isVisible(),
	    'the link for back: back\'s single view, no grid',
	    { view: lv, socks: l.socks.map((s) => s.path) });
	await shot(l.page, 'accounts-link.png');
	await noViolations(l.page, 'link');
	await l.ctx.close();

	/* A viewer of back only: its single view, under c/back/. */
	const v = await visit('viewer', '/', viewer);
	await waitLive(v.page, 5);
	const vv = await view(v.page);
	check(vv.view === 'stream' && vv.camera === 'back' &&
	    v.socks.every((s) => s.path === 'c/back/websocket/auto') &&
	    await v.page.locator('#snap-link').getAttribute('href') ===
	    'c/back/snapshot' && !await v.page.locator('#btn-share').isVisible(),
	    'a viewer of back only: back\'s single view at c/back/',
	    { view: vv, socks: v.socks.map((s) => s.path) });
	await noViolations(v.page, 'viewer');
	await v.ctx.close();

	/* An admin of back only may share back, and nothing else. */
	const m = await visit('limited', '/', limited);
	await waitLive(m.page, 5);
	check((await view(m.page)).camera === 'back',
	    'an admin of back only: back\'s single view');
	sh = await share(m.page, null);
	check(!sh.shown && /back only/.test(sh.msg) &&
	    /^\/s\/[0-9a-f]{16,}\/$/.test(new URL(sh.link).pathname),
	    'and a link from it is for back', sh);
	await noViolations(m.page, 'limited');
	await m.ctx.close();
}

try {
	await (mode === 'two' ? two() : mode === 'many' ? many() : accounts());
} catch (e) {
	crashed(e);
} finally {
	await browser.close();
}

finish(outdir, shots);
