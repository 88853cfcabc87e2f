// bench/grid.mjs: the page as its viewer has it open, for bench/grid.sh:
// either the grid of every camera in one tab, or each camera's single
// view (#/c/NAME) in a tab of its own. Holds them open SECS seconds and
// exits; the server's side is measured by grid.sh.
//
// node bench/grid.mjs BASE grid|singles SECS CAMERA...
import { launch } from '../tests/browser-lib.mjs';

const [base, mode, secs, ...cams] = process.argv.slice(2);
const browser = await launch(120000 + 1000 * Number(secs));
const urls = mode === 'grid' ? [`${base}/`] :
	cams.map((c) => `${base}/#/c/${c}`);

/* Each single view in a window of its own, all of them shown, as on a
 * wall of screens: a tab behind another would be hidden, and a hidden
 * page receives nothing. */
for (const u of urls) {
	const ctx = await browser.newContext({ viewport: { width: 1280,
		height: 800 } });
	const p = await ctx.newPage();
	await p.goto(u);
}
await new Promise((r) => setTimeout(r, Number(secs) * 1000));
await browser.close();
