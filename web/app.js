/* app.js: the rerocctv browser client: one camera at a time with its
 * panel, or a grid of them all, each picture a stream (stream.js); login,
 * share links, controls. No framework, no build step. */
'use strict';

(function () {

var QMIN = 30, QMAX = 95, QSTEP = 5;
var HISTORY_S = 60;		/* the chart's span */
var NAME_RE = /^[a-z0-9-]{1,32}$/;	/* a camera's name */

/* One camera's live picture (stream.js). */
var makeStream = window.rerocctvStream.make;
var resting = window.rerocctvStream.resting;

function $(id) { return document.getElementById(id); }

function make(tag, cls, text) {
	var el = document.createElement(tag);
	if (cls)
		el.className = cls;
	if (text !== undefined)
		el.textContent = text;
	return el;
}

/* ---- numbers ---------------------------------------------------------- */

function fmtRate(kbps) {
	if (kbps === null || kbps === undefined)
		return '–';
	/* three significant digits, whatever the size (loopback is fast) */
	var units = [[1e6, ' Gbit/s'], [1e3, ' Mbit/s'], [1, ' kbit/s']];
	for (var i = 0; i < units.length; i++) {
		var v = kbps / units[i][0];
		if (v >= 1 || i === units.length - 1)
			return (i === units.length - 1 ? Math.round(v) :
			    v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)) + units[i][1];
	}
}

function fmtMs(ms) {
	if (ms === null || !isFinite(ms))
		return '–';
	return (Math.abs(ms) >= 100 ? Math.round(ms) : ms.toFixed(1)) + ' ms';
}

/* ---- the single view: one camera, its panel --------------------------- */

var video = $('video');
var quality = { mode: 'auto', lockedQ: 65 };	/* the single view's choice */
var qmax = QMAX;		/* a share link may cap the quality */
var sliderHeld = false;
var samples = [];		/* one sample a second, HISTORY_S long */
var single = null;		/* the single view's stream */
var here = { name: null, base: '' };	/* the camera it shows */

/* The single view's stream for the camera at base: a new one (its numbers
 * and chart from zero) when the camera changes. */
function singleFor(cam) {
	if (single && single.base === cam.base)
		return single;
	if (single)
		single.stop();
	samples = [];
	var s = makeStream(cam.base, video, $('view'), quality, {
		status: function (st) {
			document.body.dataset.status = st;
			renderStatus();
		},
		refused: function () { recheck(s); }
	});
	return (single = s);
}

function put(id, text, value) {
	var el = $(id);
	if (el.textContent !== text)
		el.textContent = text;
	var v = value === null || value === undefined ? '' : String(value);
	if (el.dataset.value !== v)
		el.dataset.value = v;
}

var denied = '';		/* why the server refused us, for status denied */

function statusText() {
	var S = single.S;
	if (S.status === 'reconnecting') {
		var s = Math.max(0, Math.ceil((S.retryAt - performance.now()) / 1000));
		return 'reconnecting in ' + s + ' s';
	}
	return S.status;
}

function renderStatus() {
	var t = statusText(), st = single.S.status;
	put('st-status', t, st);
	$('status-text').textContent = t;
	var ov = {
		connecting: 'Connecting…',
		reconnecting: 'Connection lost — ' + t,
		offline: 'Offline — waiting for the network',
		stalled: 'No frames from the server…',
		denied: denied
	}[st];
	$('overlay-text').textContent = ov || '';
	$('btn-retry').hidden = !(st === 'reconnecting' ||
	    st === 'offline' || st === 'denied');
}

function render() {
	var st = single.stats();
	renderStatus();
	var mode = quality.mode === 'auto' ? 'auto' : 'locked q' + quality.lockedQ;
	put('st-mode', mode, mode);
	put('st-quality', st.q === null ? '–' : 'q' + st.q, st.q);
	put('st-res', st.w === null ? '–' : st.w + '×' + st.h,
	    st.w === null ? '' : st.w + 'x' + st.h);
	put('st-fps', st.status === 'live' ? st.fps.toFixed(1) : '–',
	    st.fps.toFixed(2));
	put('st-latency', fmtMs(st.latency_ms),
	    st.latency_ms === null ? '' : st.latency_ms.toFixed(1));
	put('st-bitrate', st.status === 'live' ? fmtRate(st.kbps) : '–',
	    Math.round(st.kbps));
	put('st-skipped', String(st.skipped), st.skipped);
	put('st-frames', String(st.frames), st.frames);
	put('st-dropped', st.dropped ? ' +' + st.dropped + ' here' : '',
	    st.dropped);
	put('st-bw', fmtRate(st.server_bw_kbps), st.server_bw_kbps);
	put('st-rtt', fmtMs(st.server_rtt_ms), st.server_rtt_ms);
	$('source-name').textContent = st.source ? st.source : '';
	$('hud-fps').textContent = st.status === 'live' ?
	    st.fps.toFixed(0) + ' fps' : '– fps';
	$('hud-q').textContent = st.q === null ? 'q–' :
	    'q' + st.q + (st.w ? ' · ' + st.w + '×' + st.h : '');
	$('hud-lat').textContent = fmtMs(st.latency_ms);
	if (quality.mode === 'auto' && !sliderHeld && st.q !== null &&
	    st.q >= QMIN && st.q <= QMAX) {
		$('q-slider').value = String(st.q);
		$('q-value').textContent = String(st.q);
	}
}

/* ---- quality control -------------------------------------------------- */

function snapQ(q) {
	q = Math.round(q / QSTEP) * QSTEP;
	return Math.min(qmax, Math.max(QMIN, q));
}

function setMode(mode, q) {
	quality.mode = mode;
	if (mode === 'locked') {
		quality.lockedQ = snapQ(q);
		single.send({ quality: quality.lockedQ });
	} else {
		single.send({ quality: 'auto' });
	}
	try {
		localStorage.setItem('rerocctv.quality',
		    mode === 'auto' ? 'auto' : String(quality.lockedQ));
	} catch (e) { /* private mode: fine */ }
	renderMode();
	render();
}

function renderMode() {
	var auto = quality.mode === 'auto';
	document.body.dataset.mode = quality.mode;
	$('q-auto').setAttribute('aria-checked', String(auto));
	$('q-lock').setAttribute('aria-checked', String(!auto));
	if (!auto) {
		$('q-slider').value = String(quality.lockedQ);
		$('q-value').textContent = String(quality.lockedQ);
	}
	$('q-hint').textContent = auto ?
	    'The server picks the quality that fits your link.' :
	    'Locked at q' + quality.lockedQ + '. Frames may skip on a slow link.';
}

function initQuality() {
	var saved = null;
	try {
		saved = localStorage.getItem('rerocctv.quality');
	} catch (e) { /* ignore */ }
	if (saved && saved !== 'auto' && isFinite(Number(saved))) {
		quality.mode = 'locked';
		quality.lockedQ = snapQ(Number(saved));
	}
	var slider = $('q-slider');
	$('q-auto').onclick = function () { setMode('auto'); };
	$('q-lock').onclick = function () {
		var q = single.S.q;
		setMode('locked', q !== null ? q : Number(slider.value));
	};
	slider.addEventListener('pointerdown', function () { sliderHeld = true; });
	slider.addEventListener('input', function () {
		sliderHeld = true;
		$('q-value').textContent = slider.value;
	});
	slider.addEventListener('change', function () {
		sliderHeld = false;
		setMode('locked', Number(slider.value));
	});
	slider.addEventListener('blur', function () { sliderHeld = false; });
	renderMode();
}

/* ---- chart ------------------------------------------------------------ */

var chart = $('chart');
var SERIES = [
	{ key: 'fps', label: 'fps', color: '#3ddc84',
	  fmt: function (v) { return v.toFixed(1); }, min: 30 },
	{ key: 'q', label: 'quality', color: '#5aa9ff',
	  fmt: function (v) { return 'q' + Math.round(v); }, fixed: 100 },
	{ key: 'kbps', label: 'bitrate', color: '#f5b942',
	  fmt: fmtRate, min: 100 }
];

function sample() {
	if (document.body.dataset.view !== 'stream')
		return;
	var st = single.stats();
	var live = st.status === 'live';
	samples.push({
		fps: live ? st.fps : null,
		q: live ? st.q : null,
		kbps: live ? st.kbps : null
	});
	while (samples.length > HISTORY_S)
		samples.shift();
	drawChart();
}

/* 1, 2, 2.5 or 5 times a power of ten, not below v. */
function niceCeil(v) {
	var p = Math.pow(10, Math.floor(Math.log10(v)));
	var m = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
	for (var i = 0; i < m.length; i++)
		if (m[i] * p >= v)
			return m[i] * p;
	return 10 * p;
}

/* Three lanes sharing one time axis: each metric keeps its own scale,
 * which one shared y axis could not show legibly. */
function drawChart() {
	var dpr = window.devicePixelRatio || 1;
	var cw = chart.clientWidth, ch = chart.clientHeight;
	if (!cw || !ch)
		return;
	if (chart.width !== Math.round(cw * dpr) ||
	    chart.height !== Math.round(ch * dpr)) {
		chart.width = Math.round(cw * dpr);
		chart.height = Math.round(ch * dpr);
	}
	var c = chart.getContext('2d');
	c.setTransform(dpr, 0, 0, dpr, 0, 0);
	c.clearRect(0, 0, cw, ch);
	var axisH = 14, laneGap = 6;
	var laneH = (ch - axisH - laneGap * (SERIES.length - 1)) / SERIES.length;
	var x0 = 0, x1 = cw, step = (x1 - x0) / (HISTORY_S - 1);
	c.font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
	c.textBaseline = 'top';

	SERIES.forEach(function (s, li) {
		var top = li * (laneH + laneGap), bot = top + laneH;
		var max = s.fixed || s.min, i, v, last = null;
		if (!s.fixed) {
			for (i = 0; i < samples.length; i++) {
				v = samples[i][s.key];
				if (v !== null && v > max)
					max = v;
			}
			max = niceCeil(max * 1.05);
		}
		/* lane background and mid grid line */
		c.fillStyle = 'rgba(255,255,255,0.03)';
		c.fillRect(x0, top, x1 - x0, laneH);
		c.strokeStyle = 'rgba(255,255,255,0.07)';
		c.lineWidth = 1;
		c.beginPath();
		c.moveTo(x0, Math.round(top + laneH / 2) + 0.5);
		c.lineTo(x1, Math.round(top + laneH / 2) + 0.5);
		c.stroke();

		/* the line and its soft fill, broken where we had no stream */
		var off = HISTORY_S - samples.length;
		var y = function (val) {
			return bot - 2 - (laneH - 16) * Math.min(val / max, 1);
		};
		c.strokeStyle = s.color;
		c.lineWidth = 1.6;
		c.lineJoin = 'round';
		var run = [];
		var flush = function () {
			if (run.length > 1) {
				c.beginPath();
				run.forEach(function (p, k) {
					if (k)
						c.lineTo(p[0], p[1]);
					else
						c.moveTo(p[0], p[1]);
				});
				c.stroke();
				c.globalAlpha = 0.12;
				c.fillStyle = s.color;
				c.lineTo(run[run.length - 1][0], bot);
				c.lineTo(run[0][0], bot);
				c.closePath();
				c.fill();
				c.globalAlpha = 1;
			} else if (run.length === 1) {
				c.fillStyle = s.color;
				c.fillRect(run[0][0] - 1.5, run[0][1] - 1.5, 3, 3);
			}
			run = [];
		};
		for (i = 0; i < samples.length; i++) {
			v = samples[i][s.key];
			if (v === null || v === undefined) {
				flush();
				continue;
			}
			run.push([x0 + (off + i) * step, y(v)]);
			last = v;
		}
		flush();

		/* labels: name and current value left, scale right */
		c.fillStyle = s.color;
		c.fillText(s.label, x0 + 6, top + 3);
		var lw = c.measureText(s.label).width;
		c.fillStyle = '#e6e9ef';
		c.fillText(last === null ? '–' : s.fmt(last), x0 + 12 + lw, top + 3);
		c.fillStyle = '#6b7484';
		var sc = s.key === 'kbps' ? s.fmt(max) : String(max);
		c.fillText(sc, x1 - 6 - c.measureText(sc).width, top + 3);
	});

	/* time axis */
	c.fillStyle = '#6b7484';
	c.textBaseline = 'bottom';
	c.fillText('−60 s', x0 + 2, ch);
	var mid = '−30 s';
	c.fillText(mid, (x0 + x1) / 2 - c.measureText(mid).width / 2, ch);
	c.fillText('now', x1 - 2 - c.measureText('now').width, ch);
}

/* ---- page chrome ------------------------------------------------------ */

/* Every stream there is: the single view's and the grid's tiles'. */
function streams() {
	return [single].concat(tiles.map(function (t) { return t.stream; }));
}

function initChrome() {
	var app = $('stage');
	var fsBtn = $('btn-fullscreen');
	var req = app.requestFullscreen || app.webkitRequestFullscreen;
	if (!req) {
		fsBtn.hidden = true;
	} else {
		fsBtn.onclick = function () {
			if (document.fullscreenElement ||
			    document.webkitFullscreenElement) {
				(document.exitFullscreen ||
				    document.webkitExitFullscreen).call(document);
			} else {
				var p = req.call(app);
				if (p && p.catch)
					p.catch(function () {});
			}
		};
	}
	/* In fullscreen the top bar fades out until the pointer moves. */
	var uiTimer = 0;
	var wake = function () {
		app.classList.add('ui-active');
		clearTimeout(uiTimer);
		uiTimer = setTimeout(function () {
			app.classList.remove('ui-active');
		}, 2500);
	};
	['pointermove', 'pointerdown', 'keydown'].forEach(function (ev) {
		app.addEventListener(ev, wake, { passive: true });
	});
	document.addEventListener('fullscreenchange', wake);
	/* The panel starts open, except on a phone held sideways, where the
	 * picture needs all of the little height there is. */
	var cramped = window.matchMedia('(max-height: 500px)');
	var panelBtn = $('btn-panel');
	var setPanel = function (open) {
		document.body.classList.toggle('panel-closed', !open);
		panelBtn.setAttribute('aria-expanded', String(open));
		requestAnimationFrame(drawChart);
	};
	setPanel(!cramped.matches);
	panelBtn.onclick = function () {
		setPanel(document.body.classList.contains('panel-closed'));
	};
	$('btn-retry').onclick = function () {
		if (single.S.status === 'denied')
			boot();
		else
			single.reconnectNow();
	};
	$('btn-grid').onclick = toGrid;
	window.addEventListener('online', function () {
		streams().forEach(function (s) { s.online(); });
	});
	window.addEventListener('offline', function () {
		streams().forEach(function (s) { s.offline(); });
	});
	window.addEventListener('resize', drawChart);
	/* Rotation, a resized window, fullscreen, the panel: the picture
	 * box changes, and so does what is worth sending. */
	var viewChanged = function () { single.viewChanged(); };
	window.addEventListener('resize', viewChanged);
	document.addEventListener('fullscreenchange', viewChanged);
	if (window.ResizeObserver)
		new ResizeObserver(viewChanged).observe(video);
	if (window.ResizeObserver)
		new ResizeObserver(function () { drawChart(); }).observe(chart);
}

/* Hidden: every stream closes at once; shown: the single view's
 * reconnects at once, the tiles in view one after another. */
function onVisibility() {
	if (resting()) {
		streams().forEach(function (s) { s.rest(); });
		return;
	}
	single.wake();
	tiles.forEach(function (t, i) {
		setTimeout(t.stream.wake, i * WAKE_STAGGER_MS);
	});
}

/* The snapshot link downloads a file named with the time it was taken
 * (and the camera, when there are several):
 * rerocctv-2026-11-28_22-57-03.jpg. */
function initSnapshot() {
	var a = $('snap-link');
	a.addEventListener('click', function () {
		var d = new Date(), p = function (n) { return (n < 10 ? '0' : '') + n; };
		a.download = 'rerocctv-' + (multi ? here.name + '-' : '') +
		    d.getFullYear() + '-' + p(d.getMonth() + 1) +
		    '-' + p(d.getDate()) + '_' + p(d.getHours()) + '-' +
		    p(d.getMinutes()) + '-' + p(d.getSeconds()) + '.jpg';
	});
}

/* Picture-in-picture where the browser offers it: the canvas as a video
 * stream in a floating window; the stream keeps running while it shows. */
function initPip() {
	var btn = $('btn-pip'), pv = null;
	if (!document.pictureInPictureEnabled || !video.captureStream)
		return;
	btn.hidden = false;
	btn.onclick = function () {
		if (document.pictureInPictureElement) {
			document.exitPictureInPicture().catch(function () {});
			return;
		}
		if (!pv) {
			pv = document.createElement('video');
			pv.muted = true;
			pv.srcObject = video.captureStream();
			pv.addEventListener('leavepictureinpicture', onVisibility);
		}
		pv.play().then(function () {
			return pv.requestPictureInPicture();
		}).catch(function () {});
	};
}

/* ---- cameras and views ------------------------------------------------ */

/* The cameras we may watch, as GET state lists them: their name, base
 * (the prefix of their paths) and source (state's object). One camera, or
 * an older server that lists none, is at the plain paths: the page is the
 * single view, as it always was. Several: a grid of them all, and the
 * address #/c/NAME the single view of one. */
var cams = [{ name: null, base: '', source: null }];
var multi = false;
var restricted = false;	/* GET session says which cameras we may see */
var routing = false;	/* a view is up: not the login view, not refused */
var fromGrid = false;	/* the single view was opened from the grid */

function setCameras(list) {
	var ok = list.filter(function (c) {
		return c && typeof c.name === 'string' && NAME_RE.test(c.name);
	});
	multi = ok.length > 1;
	if (!ok.length)
		return;
	cams = ok.map(function (c) {
		return { name: c.name, base: 'c/' + c.name + '/',
		    source: c.source && typeof c.source === 'object' ?
		    c.source : null };
	});
	/* The one camera of a server with no other: the plain paths. One
	 * we may see of several: under its name (the plain paths are the
	 * first camera's, maybe not ours). */
	if (!multi && !restricted)
		cams[0].base = '';
}

/* Asks what cameras there are; resolves false when there is none we may
 * watch. Unreachable: what we knew before (at first, the plain paths). */
function discover() {
	return call('state').then(function (a) {
		var list = a.status === 200 && a.json ? a.json.cameras : null;
		if (!Array.isArray(list))
			return true;
		setCameras(list);
		return list.length > 0;
	}, function () {
		return true;
	});
}

function names(list) {
	return list.map(function (c) { return c && c.name; }).join(' ');
}

function camera(name) {
	for (var i = 0; i < cams.length; i++)
		if (cams[i].name === name)
			return cams[i];
	return null;
}

/* The view the address asks for: #/c/NAME the single view of camera
 * NAME, anything else the grid; with one camera, its single view. */
function route() {
	if (!routing)
		return;
	var m = /^#\/c\/([a-z0-9-]{1,32})$/.exec(location.hash);
	var cam = !multi ? cams[0] : m ? camera(m[1]) : null;
	if (cam)
		return showSingle(cam);
	if (m)			/* a camera gone, or never ours */
		window.history.replaceState(null, '', gridURL());
	showGrid();
}

/* The grid's address: the page's, with no #/c/NAME. */
function gridURL() {
	return location.pathname + location.search;
}

/* Back to the grid: the way we came if we came from it, so that the
 * browser's back button does not return to the camera. */
function toGrid() {
	if (fromGrid) {
		fromGrid = false;
		window.history.back();
		return;
	}
	window.history.pushState(null, '', gridURL());
	route();
}

/* The share button and the user's name and logout sit in the bar of the
 * view shown: over the single view's picture, or atop the grid. */
function placeActions(bar) {
	var acts = $('acts'), sp = bar.querySelector('.spacer');
	if (acts.previousElementSibling !== sp)
		bar.insertBefore(acts, sp.nextSibling);
}

function showSingle(cam) {
	var s = singleFor(cam);
	stopGrid(true);
	here = cam;
	document.body.dataset.view = 'stream';
	document.title = multi ? cam.name + ' · rerocctv' : 'rerocctv';
	placeActions($('topbar'));
	$('btn-grid').hidden = !multi;
	$('cam-name').textContent = multi ? cam.name : '';
	$('snap-link').href = cam.base + 'snapshot';
	$('stream-link').href = cam.base + 'stream';
	$('state-link').href = cam.base + 'state';
	if (ctl.base !== cam.base)
		ctlReset(cam.base);
	loadControls();
	s.start();
	requestAnimationFrame(drawChart);
}

/* ---- the grid: every camera at once ----------------------------------- */

/* A tile per camera: a link to its single view showing its own stream
 * (always auto, its view size the tile's), its name and a badge. A tile
 * out of view, or in a hidden tab, has no socket: one scrolled into view
 * connects once it has stayed ENTER_MS, one scrolled away closes once it
 * has been gone LEAVE_MS, so that scrolling past opens nothing; a new
 * tile in view connects at once. */

var ENTER_MS = 200, LEAVE_MS = 1000;
var WAKE_STAGGER_MS = 100;	/* a tab shown again: tile after tile */
var POLL_MS = 5000;		/* GET state, for the signal, while shown */
var AUTO = { mode: 'auto' };
var TILE_TEXT = { connecting: 'connecting', reconnecting: 'reconnecting',
    stalled: 'stalled', offline: 'offline', resting: 'paused',
    stopped: '', denied: 'refused' };
var tiles = [];		/* {cam, el, pic, badge, stream, seen, timer, known} */
var pollTimer = 0;

function tileOf(el) {
	for (var i = 0; i < tiles.length; i++)
		if (tiles[i].el === el || tiles[i].pic === el)
			return tiles[i];
	return null;
}

/* A tile scrolled into view or out of it: settle() it. */
function onIntersect(entries) {
	entries.forEach(function (e) {
		var t = tileOf(e.target);
		if (t) {
			t.seen = e.isIntersecting;
			settle(t);
		}
	});
}

/* A tile resized: the size it draws at changed. */
function onTileResize(entries) {
	entries.forEach(function (e) {
		var t = tileOf(e.target);
		if (t)
			t.stream.viewChanged();
	});
}

var io = window.IntersectionObserver ?
    new IntersectionObserver(onIntersect) : null;
var tileRO = window.ResizeObserver ? new ResizeObserver(onTileResize) : null;

/* The tile's socket follows what the observer said last, once it has
 * held for a while (at once the first time). */
function settle(t) {
	var wait = !t.known ? 0 : t.seen ? ENTER_MS : LEAVE_MS;
	t.known = true;
	clearTimeout(t.timer);
	if (t.seen !== t.stream.onScreen())
		t.timer = setTimeout(function () {
			t.stream.setOnScreen(t.seen);
		}, wait);
}

function makeTile(cam) {
	var a = make('a', 'cam'), bar = make('span', 'cam-bar');
	var t = { cam: cam, el: a, pic: make('canvas', 'cam-pic'),
	    badge: make('span', 'cam-badge'), seen: false, timer: 0,
	    known: false };
	a.href = '#/c/' + cam.name;
	a.dataset.name = cam.name;
	t.pic.setAttribute('aria-hidden', 'true');
	if (cam.source && cam.source.w > 0 && cam.source.h > 0)
		a.style.setProperty('--ar', cam.source.w + ' / ' + cam.source.h);
	bar.appendChild(make('span', 'cam-name', cam.name));
	bar.appendChild(t.badge);
	a.appendChild(t.pic);
	a.appendChild(bar);
	t.stream = makeStream(cam.base, t.pic, a, AUTO, {
		status: function () { renderTile(t); },
		refused: function () { recheck(t.stream); }
	});
	t.stream.setOnScreen(!io);	/* until the observer says */
	renderTile(t);
	return t;
}

function buildGrid() {
	var box = $('cams'), n = cams.length, cols = n > 4 ? 3 : 2;
	stopGrid(false);
	if (io)
		io.disconnect();
	if (tileRO)
		tileRO.disconnect();
	box.textContent = '';
	box.style.setProperty('--cols', String(cols));
	box.style.setProperty('--rows', String(Math.ceil(n / cols)));
	$('cams-count').textContent = n + ' cameras';
	tiles = cams.map(makeTile);
	tiles.forEach(function (t) {
		box.appendChild(t.el);
		if (io)
			io.observe(t.el);
		if (tileRO)
			tileRO.observe(t.pic);
	});
}

function renderTile(t) {
	var st = t.stream.S.status, src = t.cam.source || {};
	var nosignal = src.signal === false && st !== 'stopped';
	var text = nosignal ? 'NO SIGNAL' : st === 'live' ?
	    'live · ' + Math.round(t.stream.rates().fps) + ' fps' :
	    TILE_TEXT[st] || st;
	if (t.badge.textContent === text && t.el.dataset.status === st)
		return;
	t.badge.textContent = text;
	t.el.dataset.status = st;
	t.el.dataset.signal = nosignal ? 'off' : 'on';
	t.el.setAttribute('aria-label', 'Camera ' + t.cam.name +
	    (text ? ': ' + text : ''));
}

function showGrid() {
	single.stop();
	document.body.dataset.view = 'grid';
	document.title = 'rerocctv';
	placeActions($('grid-bar'));
	if (names(tiles.map(function (t) { return t.cam; })) !== names(cams))
		buildGrid();
	tiles.forEach(function (t) { t.stream.start(); });
	pollGrid();
	/* Back from a camera: its tile has the focus, as a link has that
	 * was followed and came back to. */
	var t = tiles.filter(function (x) { return x.cam.name === here.name; })[0];
	if (t)
		t.el.focus();
}

/* Tiles stopped: the single view shows, or nothing does (keep: their
 * last pictures stay for when the grid is back). */
function stopGrid(keep) {
	clearTimeout(pollTimer);
	tiles.forEach(function (t) { t.stream.stop(keep); });
}

/* While the grid shows: the signal of each camera, and whether the
 * cameras we may see are still those the grid has. */
function pollGrid() {
	clearTimeout(pollTimer);
	pollTimer = setTimeout(function () {
		if (document.body.dataset.view !== 'grid')
			return;
		if (resting())
			return pollGrid();
		call('state').then(function (a) {
			var list = a.status === 200 && a.json ? a.json.cameras : null;
			if (Array.isArray(list) && list.length &&
			    document.body.dataset.view === 'grid')
				gridSources(list);
		}, function () {}).then(function () {
			if (document.body.dataset.view === 'grid')
				pollGrid();
		});
	}, POLL_MS);
}

function gridSources(list) {
	if (names(list) !== names(cams)) {
		setCameras(list);
		route();
		return;
	}
	tiles.forEach(function (t, i) {
		if (list[i].source && typeof list[i].source === 'object')
			t.cam.source = cams[i].source = list[i].source;
		renderTile(t);
	});
}

/* ---- accounts --------------------------------------------------------- */

/* Every path is relative to the page, so under a share link's /s/TOKEN/
 * prefix the same requests carry the token. The session cookie is
 * HttpOnly: this page never sees it and keeps no credential itself. */

var bannerClosed = false;
var loggingIn = false;		/* a login is being checked: no second submit */

/* A request; resolves to {status, json (or null), text}. With a body it
 * is a JSON POST (the server takes changes as JSON only). */
function call(path, body) {
	var opt = { cache: 'no-store', credentials: 'same-origin' };
	if (body) {
		opt.method = 'POST';
		opt.headers = { 'Content-Type': 'application/json' };
		opt.body = JSON.stringify(body);
	}
	return fetch(path, opt).then(function (r) {
		return r.text().then(function (t) {
			var j = null;
			try {
				j = JSON.parse(t);
			} catch (e) { /* an error's text */ }
			return { status: r.status, text: t.trim(),
			    json: j && typeof j === 'object' ? j : null };
		});
	});
}

/* Errors are "403 Forbidden: why"; the why is what a person needs. */
function reason(a) {
	var m = /^\d{3} [^:\n]*: (.+)/.exec(a.text);
	var t = (m ? m[1] : 'the server said ' + a.status).slice(0, 200);
	return t.charAt(0).toUpperCase() + t.slice(1) + '.';
}

function say(id, text, bad) {
	var el = $(id);
	el.textContent = text || '';
	el.classList.toggle('bad', !!bad);
}

/* Asks who we are and shows what follows: the login view, a refusal
 * (an expired share link), or the stream's controls. Resolves true when
 * the stream should go on, also when the server cannot be asked (then
 * the stream's own reconnect keeps trying). note: for the login view. */
function checkSession(note) {
	return call('session').then(function (a) {
		if (a.status === 200 && a.json) {
			applySession(a.json);
			if (!a.json.accounts || a.json.user)
				return true;
			showLogin(note);
			return false;
		}
		if (a.status === 401 || a.status === 403) {
			deny(reason(a));
			return false;
		}
		return true;
	}, function () {
		return true;
	});
}

function applySession(s) {
	var mine = s.via === 'session';	/* only a cookie can be logged out */
	$('exposed').hidden = !s.exposed || bannerClosed;
	$('user').hidden = !mine;
	$('user-name').textContent = mine ? s.user : '';
	$('user-name').title = mine ? s.user + ' (' + s.role + ')' : '';
	$('btn-logout').title = mine ? 'Log out ' + s.user : '';
	$('btn-share').hidden = !(s.accounts && s.role === 'admin' &&
	    s.via !== 'share');
	ctl.allowed = s.role === 'admin';
	if (!ctl.allowed || (routing && document.body.dataset.view === 'stream'))
		loadControls();
	qmax = s.max_quality >= QMIN && s.max_quality <= QMAX ?
	    s.max_quality : QMAX;
	$('q-slider').max = String(qmax);
	quality.lockedQ = snapQ(quality.lockedQ);
	renderMode();
	restricted = Array.isArray(s.cameras);
}

function boot(note) {
	single.setStatus('connecting');
	checkSession(note).then(function (go) {
		return go && discover().then(function (any) {
			if (!any)
				return deny('There is no camera here for you to watch.');
			routing = true;
			route();
		});
	});
}

/* After a socket closed oddly: it reconnects only if we still may. The
 * tiles whose sockets close at once ask once. */
var asking = null;
function recheck(stream) {
	stream.setStatus('connecting');
	if (!asking)
		asking = checkSession('Your session has ended: log in again.')
		    .then(function (go) {
			asking = null;
			return go;
		});
	asking.then(function (go) {
		if (go)
			stream.retry();
	});
}

/* No stream wanted (logged out, refused): every socket closed and every
 * picture forgotten, so a page left logged out shows nothing. */
function stopAll() {
	routing = false;
	single.stop();
	stopGrid(false);
}

/* Refused for good (an expired or forged share link): say why, and try
 * again only when asked. */
function deny(text) {
	stopAll();
	document.body.dataset.view = 'stream';
	placeActions($('topbar'));
	$('btn-grid').hidden = true;
	denied = text;
	single.setStatus('denied');
}

function showLogin(note) {
	stopAll();
	if ($('share-dlg').open)
		$('share-dlg').close();
	document.body.dataset.view = 'login';
	say('login-msg', note);
	($('login-user').value ? $('login-pass') : $('login-user')).focus();
}

function setLoggingIn(on) {
	var b = $('login-go');
	loggingIn = on;
	b.disabled = on;
	b.textContent = on ? 'Checking…' : 'Log in';
	$('login-user').readOnly = $('login-pass').readOnly = on;
	$('login-form').setAttribute('aria-busy', String(on));
}

/* One check at a time: after failures the server answers slower and
 * slower (1 s doubling), and a second submit would only queue behind. */
function login(ev) {
	var pass = $('login-pass');
	ev.preventDefault();
	if (loggingIn)
		return;
	say('login-msg', '');
	setLoggingIn(true);
	call('login', { user: $('login-user').value, password: pass.value })
	    .then(function (a) {
		pass.value = '';
		if (a.status === 200)
			boot('Logged in, but the browser kept no session: ' +
			    'are cookies blocked?');
		else
			say('login-msg', reason(a), true);
	}, function () {
		say('login-msg', 'Cannot reach the server.', true);
	}).then(function () {
		setLoggingIn(false);
		if (document.body.dataset.view === 'login')
			pass.focus();
	});
}

function logout() {
	stopAll();
	call('logout', {}).then(function (a) {
		boot(a.status === 200 ? 'Logged out.' : reason(a));
	}, function () {
		boot('Cannot reach the server to log out.');
	});
}

function fmtDuration(s) {
	var u = s >= 86400 ? [86400, 'day'] : s >= 3600 ? [3600, 'hour'] :
	    [60, 'minute'];
	var n = Math.round(s / u[0]);
	return n + ' ' + u[1] + (n === 1 ? '' : 's');
}

/* With several cameras a link is for all of them or for one: the one
 * in view, unless the dialog is told otherwise. An admin limited to some
 * cameras may share only those, one at a time. */
function shareChoices() {
	var sel = $('share-cam'), mine = document.body.dataset.view === 'stream';
	$('share-which').hidden = !multi;
	sel.textContent = '';
	if (!multi)
		return;
	if (!restricted)
		sel.appendChild(make('option', '', 'All cameras')).value = '';
	cams.forEach(function (c) {
		var o = make('option', '', c.name +
		    (mine && c.name === here.name ? ' (this camera)' : ''));
		o.value = c.name;
		sel.appendChild(o);
	});
	sel.value = mine && here.name ? here.name : restricted ? cams[0].name : '';
}

function makeShare(ev) {
	var btn = $('share-make'), q = $('share-q').value;
	var cam = multi ? $('share-cam').value : restricted ? here.name : '';
	var body = { expires: $('share-exp').value };
	ev.preventDefault();
	if (btn.disabled)
		return;
	if (q)
		body.max_quality = Number(q);
	if (cam)
		body.camera = cam;
	btn.disabled = true;
	say('share-msg', 'Making a link…');
	call('share', body).then(function (a) {
		if (a.status !== 200 || !a.json || !a.json.path) {
			say('share-msg', reason(a), true);
			return;
		}
		/* The path is from the server's root; resolved against the
		 * page it keeps a reverse proxy's prefix too. A link for one
		 * camera opens its view. */
		var link = new URL('.' + a.json.path + (cam ? '#/c/' + cam : ''),
		    location.href).href;
		$('share-link').value = link;
		$('share-out').hidden = false;
		say('share-msg', 'Valid for ' + fmtDuration(a.json.expires_in) +
		    (a.json.max_quality ? ', quality up to q' +
		    a.json.max_quality : '') + (cam ? ', camera ' + cam +
		    ' only' : multi ? ', every camera' : '') + '.');
		$('share-link').select();
	}, function () {
		say('share-msg', 'Cannot reach the server.', true);
	}).then(function () {
		btn.disabled = false;
	});
}

/* The clipboard API wants a secure context (https, localhost); over
 * plain http on a LAN the old copy command still works. */
function copyLink() {
	var el = $('share-link'), btn = $('share-copy');
	var done = function () {
		btn.textContent = 'Copied';
		setTimeout(function () { btn.textContent = 'Copy'; }, 1500);
	};
	var old = function () {
		el.select();
		try {
			if (document.execCommand('copy'))
				return done();
		} catch (e) { /* below */ }
		say('share-msg', 'Select the link and copy it.', true);
	};
	if (navigator.clipboard && window.isSecureContext)
		navigator.clipboard.writeText(el.value).then(done, old);
	else
		old();
}

function initAccounts() {
	var dlg = $('share-dlg');
	$('login-form').addEventListener('submit', login);
	$('btn-logout').onclick = logout;
	$('btn-share').onclick = function () {
		$('share-out').hidden = true;
		say('share-msg', '');
		shareChoices();
		dlg.showModal();
	};
	$('share-form').addEventListener('submit', makeShare);
	$('share-copy').onclick = copyLink;
	$('share-close').onclick = function () { dlg.close(); };
	$('exposed-x').onclick = function () {
		bannerClosed = true;
		$('exposed').hidden = true;
	};
}

/* ---- camera controls -------------------------------------------------- */

/* For an admin (everyone on an open server) when the camera in the single
 * view has any (its own: base + 'controls'): as
 * GET controls lists them, a slider per integer, a switch per boolean, a
 * list per menu, and a way back to each default. A change is a POST
 * controls; per control one is in flight and the newest value waits
 * behind it, and a slider being dragged sends at most every DRAG_MS. The
 * answer says what the camera took and which controls an automatic mode
 * now sets (those are greyed out and cannot be changed). */

var DRAG_MS = 150;
var REFRESH_MS = 5000;		/* while the section is open, or empty */
var ctl = { allowed: false, base: '', list: [], rows: {}, timer: 0,
    loading: false };	/* base: the camera whose controls these are */

function ctlSchedule() {
	clearTimeout(ctl.timer);
	if (ctl.allowed)
		ctl.timer = setTimeout(function () {
			if (!document.hidden &&
			    document.body.dataset.view === 'stream' &&
			    (!ctl.list.length || $('camera-box').open))
				loadControls();
			else
				ctlSchedule();
		}, REFRESH_MS);
}

function loadControls() {
	if (!ctl.allowed) {
		$('camera').hidden = true;
		return;
	}
	if (ctl.loading)
		return;
	var base = ctl.base;
	ctl.loading = true;
	call(base + 'controls').then(function (a) {
		var list = a.status === 200 && a.json &&
		    Array.isArray(a.json.controls) ? a.json.controls : [];
		if (base === ctl.base)
			showControls(list);
	}, function () {}).then(function () {
		ctl.loading = false;
		if (base !== ctl.base)
			loadControls();		/* another camera meanwhile */
		else
			ctlSchedule();
	});
}

/* Another camera's controls from now on: none shown until they come. */
function ctlReset(base) {
	Object.keys(ctl.rows).forEach(function (k) {
		clearTimeout(ctl.rows[k].timer);
	});
	ctl.base = base;
	ctl.list = [];
	ctl.rows = {};
	$('ctl-list').textContent = '';
	$('camera').hidden = true;
	say('ctl-msg', '');
}

/* The same controls as the rows shown? Else the rows are built again. */
function sameControls(list) {
	return list.length === ctl.list.length && list.every(function (c, i) {
		return c.name === ctl.list[i].name && c.type === ctl.list[i].type;
	});
}

function showControls(list) {
	if (!sameControls(list))
		buildControls(list);
	else
		list.forEach(function (c) {
			updateRow(ctl.rows[c.name], c);
		});
	ctl.list = list;
	$('camera-count').textContent = list.length ? String(list.length) : '';
	$('camera').hidden = !ctl.allowed || !list.length;
}

/* The input for control c: a slider, a switch, a list or a button. */
function ctlInput(c) {
	var el;
	if (c.type === 'integer') {
		el = make('input');
		el.type = 'range';
		el.min = String(c.min);
		el.max = String(c.max);
		el.step = String(c.step > 0 ? c.step : 1);
	} else if (c.type === 'boolean') {
		el = make('input');
		el.type = 'checkbox';
		el.setAttribute('role', 'switch');
	} else if (c.type === 'button') {
		el = make('button', 'btn btn-small', 'Press');
		el.type = 'button';
	} else {
		el = make('select');
		(c.menu || []).forEach(function (m) {
			var o = make('option', '', m.name);
			o.value = String(m.index);
			el.appendChild(o);
		});
	}
	el.id = 'ctl-' + c.name;
	return el;
}

function buildControls(list) {
	var box = $('ctl-list');
	box.textContent = '';
	ctl.rows = {};
	list.forEach(function (c) {
		var r = { c: c, row: make('div', 'ctl'), input: ctlInput(c),
		    out: null, reset: null, inflight: false, pending: null,
		    timer: 0, dragging: false };
		var label = make('label', 'ctl-label', c.label);
		label.htmlFor = r.input.id;
		r.row.dataset.name = c.name;
		r.row.dataset.type = c.type;
		r.row.appendChild(label);
		if (c.type === 'integer') {
			r.out = make('output', 'ctl-value');
			r.out.htmlFor = r.input.id;
			r.row.appendChild(r.out);
		} else {
			r.row.appendChild(r.input);
		}
		if (c.type !== 'button' && !c.read_only && !c.write_only) {
			r.reset = make('button', 'ctl-reset', '↺');
			r.reset.type = 'button';
			r.reset.title = 'Back to the default (' + fmtControl(c, c['default']) + ')';
			r.reset.setAttribute('aria-label', 'Reset ' + c.label);
			r.row.appendChild(r.reset);
		}
		if (c.type === 'integer')
			r.row.appendChild(r.input);
		wireRow(r);
		ctl.rows[c.name] = r;
		box.appendChild(r.row);
		updateRow(r, c);
	});
}

function fmtControl(c, v) {
	if (c.type === 'boolean')
		return v ? 'on' : 'off';
	if (c.menu)
		for (var i = 0; i < c.menu.length; i++)
			if (c.menu[i].index === v)
				return c.menu[i].name;
	return String(v);
}

function wireRow(r) {
	var el = r.input, c = r.c;
	if (c.type === 'integer') {
		el.addEventListener('pointerdown', function () { r.dragging = true; });
		el.addEventListener('input', function () {
			r.dragging = true;
			r.out.textContent = el.value;
			setControl(r, Number(el.value), DRAG_MS);
		});
		el.addEventListener('change', function () {
			r.dragging = false;
			setControl(r, Number(el.value), 0);
		});
		el.addEventListener('blur', function () { r.dragging = false; });
	} else if (c.type === 'boolean') {
		el.addEventListener('change', function () {
			setControl(r, el.checked, 0);
		});
	} else if (c.type === 'button') {
		el.addEventListener('click', function () { setControl(r, true, 0); });
	} else {
		el.addEventListener('change', function () {
			setControl(r, Number(el.value), 0);
		});
	}
	if (r.reset)
		r.reset.addEventListener('click', function () {
			setControl(r, r.c.type === 'boolean' ? !!r.c['default'] :
			    r.c['default'], 0);
		});
}

/* Shows what the camera says of c, except a value the user is changing. */
function updateRow(r, c) {
	var off = !!(c.inactive || c.read_only);
	r.c = c;
	r.row.classList.toggle('inactive', !!c.inactive);
	r.row.classList.toggle('readonly', !!c.read_only);
	r.row.title = c.inactive ? 'Set by an automatic mode now: ' +
	    'switch that off to change it' : c.read_only ? 'Read-only' : '';
	r.input.disabled = off;
	r.row.dataset.inactive = String(!!c.inactive);
	if (r.reset)
		r.reset.disabled = off || c.value === c['default'];
	if (r.dragging || r.inflight || r.pending !== null ||
	    c.value === null)
		return;
	r.row.dataset.value = String(c.value);
	if (c.type === 'integer') {
		r.input.value = String(c.value);
		r.out.textContent = String(c.value);
	} else if (c.type === 'boolean') {
		r.input.checked = !!c.value;
	} else if (c.type !== 'button') {
		r.input.value = String(c.value);
	}
}

function setControl(r, v, delay) {
	r.pending = v;
	clearTimeout(r.timer);
	r.timer = setTimeout(function () { flushControl(r); }, delay);
}

function flushControl(r) {
	if (r.inflight || r.pending === null)
		return;
	var body = {};
	body[r.c.name] = r.pending;
	r.pending = null;
	r.inflight = true;
	postControls(body, r).then(function () { flushControl(r); });
}

/* Resolves true when the camera took it all. */
function postControls(body, r) {
	var base = ctl.base;
	say('ctl-msg', '');
	return call(base + 'controls', body).then(function (a) {
		if (r)
			r.inflight = false;
		if (base !== ctl.base)	/* another camera shows now */
			return false;
		if (a.status === 200 && a.json && Array.isArray(a.json.controls)) {
			showControls(a.json.controls);
			return true;
		}
		say('ctl-msg', reason(a), true);
		loadControls();		/* back to what the camera has */
		return false;
	}, function () {
		if (r)
			r.inflight = false;
		if (base === ctl.base)
			say('ctl-msg', 'Cannot reach the server.', true);
		return false;
	});
}

/* Every control back to its default in one request, the manual values
 * before the switches and modes: a value an automatic mode is about to
 * take over is set while it still may be. */
function resetAll() {
	var values = {}, modes = {}, btn = $('ctl-reset-all');
	ctl.list.forEach(function (c) {
		if (c.type === 'button' || c.read_only || c.write_only ||
		    c.inactive || c.value === c['default'])
			return;
		(c.type === 'integer' ? values : modes)[c.name] = c['default'];
	});
	Object.keys(modes).forEach(function (k) { values[k] = modes[k]; });
	if (!Object.keys(values).length) {
		say('ctl-msg', 'Every control is at its default.');
		return;
	}
	btn.disabled = true;
	postControls(values).then(function (ok) {
		btn.disabled = false;
		if (ok)
			say('ctl-msg', 'Back to the defaults.');
	});
}

function initControls() {
	$('ctl-reset-all').addEventListener('click', resetAll);
	$('camera-box').addEventListener('toggle', function () {
		if ($('camera-box').open)
			loadControls();
	});
}

/* ---- debug hook for tests (read-only copies) -------------------------- */

window.rerocctv = Object.freeze({
	stats: function () { return single.stats(); },
	history: function () {
		return samples.map(function (h) {
			return { fps: h.fps, q: h.q, kbps: h.kbps };
		});
	},
	view: function () {
		return { view: document.body.dataset.view,
		    camera: document.body.dataset.view === 'stream' ?
		    here.name : null,
		    cameras: cams.map(function (c) { return c.name; }) };
	},
	tiles: function () {
		return tiles.map(function (t) {
			var s = t.stream.stats();
			s.name = t.cam.name;
			s.on_screen = t.stream.onScreen();
			return s;
		});
	}
});

singleFor(here);
initChrome();
initQuality();
initSnapshot();
initPip();
document.addEventListener('visibilitychange', onVisibility);
window.addEventListener('hashchange', function () {
	fromGrid = document.body.dataset.view === 'grid';
	route();
});
initAccounts();
initControls();
boot();
setInterval(function () {
	streams().forEach(function (s) { s.watchdog(); });
	if (document.body.dataset.view === 'grid')
		tiles.forEach(renderTile);
	else
		render();
}, 250);
setInterval(sample, 1000);
sample();
render();

})();
