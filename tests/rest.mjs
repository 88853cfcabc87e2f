// rest.mjs: a tab that rests. Hidden, the page closes its stream within a
// second, the server has no client and encodes nothing, and its CPU is
// what it is with nobody watching; shown again, frames come back at once.
// The snapshot link downloads a file named with the time.
// Usage: node tests/rest.mjs BASE_URL SERVER_PID  (exit 0 ok, 1 fail, 77 skip)
import { readFileSync } from 'node:fs';
import { launch, check, plan, watch, errors, stats, sleep, waitLive,
	setHidden } from './browser-lib.mjs';

const [base, pid] = process.argv.slice(2);
const browser = await launch();
const state = async () => (await fetch(base + '/state')).json();

/* The server's CPU in % of a core over ms milliseconds. */
async function cpu(ms) {
	const ticks = () => {
		const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]
			.split(' ');
		return Number(f[11]) + Number(f[12]);	/* utime + stime */
	};
	const t0 = ticks();
	await sleep(ms);
	return (ticks() - t0) / 100 / (ms / 1000) * 100;
}

try {
	const idle = await cpu(3000);
	const ctx = await browser.newContext({ acceptDownloads: true });
	const page = await ctx.newPage();
	watch(page, 'rest');
	await page.goto(base + '/');
	await waitLive(page, 10);
	const live = await cpu(3000);

	await setHidden(page, true);
	const t0 = Date.now();
	let st;
	do {
		await sleep(100);
		st = await state();
	} while (st.clients.length && Date.now() - t0 < 3000);
	const ms = Date.now() - t0;
	check(st.clients.length === 0, 'hidden: the stream closes within a second',
	    { ms });
	check(ms <= 1000, 'within a second', { ms });
	await sleep(500);
	st = await state();
	check(st.encoder.length === 0, 'nothing is encoded for a hidden tab',
	    st.encoder);
	const f0 = (await stats(page)).frames;
	const hidden = await cpu(3000);
	const s = await stats(page);
	check(s.frames === f0 && s.status === 'resting', 'no frames while hidden',
	    { frames: s.frames - f0, status: s.status });
	console.log(`# server CPU: nobody ${idle.toFixed(2)} %, one live tab ` +
	    `${live.toFixed(2)} %, the tab hidden ${hidden.toFixed(2)} %`);
	check(hidden <= idle + 1.5, 'a hidden tab costs the server nothing',
	    { idle, hidden });

	await setHidden(page, false);
	const t1 = Date.now();
	await waitLive(page, s.shown + 3, 5000);
	check(Date.now() - t1 < 2000, 'shown: frames again at once',
	    { ms: Date.now() - t1 });

	const [dl] = await Promise.all([
		page.waitForEvent('download'),
		page.click('#snap-link'),
	]);
	const name = dl.suggestedFilename();
	check(/^rerocctv-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.jpg$/.test(name),
	    'the snapshot downloads as a file named with the time', name);
	const path = await dl.path();
	const b = readFileSync(path);
	check(b[0] === 0xff && b[1] === 0xd8, 'and it is a JPEG', b.length);

	const pip = await page.evaluate(() => ({
		offered: !!document.pictureInPictureEnabled,
		shown: !document.getElementById('btn-pip').hidden,
	}));
	check(pip.offered === pip.shown,
	    'picture-in-picture button where the browser offers it', pip);
	check(errors.length === 0, 'no console errors', errors);
} finally {
	await browser.close();
}
process.exit(plan());
