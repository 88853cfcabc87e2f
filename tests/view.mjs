// view.mjs: the picture fits the screen. The page tells the server the
// size it draws at; in a phone-sized viewport the server's auto sends
// half-resolution frames on a fast link, in a large one full-size frames,
// and resizing the window moves between the two.
// Usage: node tests/view.mjs BASE_URL OUTDIR  (exit 0 ok, 1 fail, 77 skip)
import { join } from 'node:path';
import { launch, check, plan, watch, errors, stats, sleep, waitLive }
	from './browser-lib.mjs';

const [base, outdir] = process.argv.slice(2);
const browser = await launch();

/* Frames for a while, then what they were: the last frame's size. */
async function settle(page) {
	await waitLive(page, 5);
	await sleep(3500);		/* auto's ticks, once a second */
	return stats(page);
}

try {
	const phone = await browser.newContext({
		viewport: { width: 390, height: 844 }, deviceScaleFactor: 1,
		isMobile: true, hasTouch: true,
	});
	const p = await phone.newPage();
	watch(p, 'phone');
	await p.goto(base + '/');
	let s = await settle(p);
	check(s.w === 640 && s.h === 360, 'a 390 px phone gets half-size frames',
	    { w: s.w, h: s.h, q: s.q });
	const st = await (await fetch(base + '/state')).json();
	const me = st.clients.find((c) => c.mode === 'auto');
	check(me && /^\d+x\d+$/.test(me.view) && me.rung.startsWith('h'),
	    'the server knows the view and serves a half rung', me);
	await p.screenshot({ path: join(outdir, 'view-phone.png') });

	await phone.close();

	const desk = await browser.newContext({
		viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1,
	});
	const d = await desk.newPage();
	watch(d, 'desk');
	await d.goto(base + '/');
	s = await settle(d);
	check(s.w === 1280 && s.h === 720, 'a large window gets full size',
	    { w: s.w, h: s.h });
	await d.screenshot({ path: join(outdir, 'view-desk.png') });
	await d.setViewportSize({ width: 560, height: 420 });
	await sleep(1000);
	s = await settle(d);
	check(s.w === 640, 'the window made small: half size again', { w: s.w });
	await d.setViewportSize({ width: 1600, height: 1000 });
	await sleep(1000);
	s = await settle(d);
	check(s.w === 1280, 'and large again: full size', { w: s.w });
	await desk.close();
	check(errors.length === 0, 'no console errors', errors);
} finally {
	await browser.close();
}
process.exit(plan());
