/* stream.js: one camera's live picture for the rerocctv browser client
 * (app.js): its WebSocket, one JPEG per binary message with metadata from
 * the JPEG COM segment, decoding onto a canvas, the size it is drawn at
 * told to the server, reconnects and a watchdog. Loaded before app.js;
 * gives it window.rerocctvStream. */
'use strict';

(function () {

var WINDOW_MS = 2000;		/* fps, bitrate and latency are averaged over this */
var BACKOFF_MIN_MS = 500, BACKOFF_MAX_MS = 10000;
var STALL_MS = 10000;		/* no message for this long: drop the socket */

/* A tab nobody looks at rests: no socket, so it costs the server
 * nothing; picture-in-picture counts as looking. */
function resting() {
	return document.hidden && !document.pictureInPictureElement;
}

/* ---- JPEG COM segment ------------------------------------------------- */

/* Walk the marker segments after SOI (the server puts COM first, but any
 * order is fine) and parse "key=value key=value" from the first COM. */
function parseCom(buf) {
	var dv = new DataView(buf), n = Math.min(buf.byteLength, 512), off = 2;
	if (n < 4 || dv.getUint8(0) !== 0xFF || dv.getUint8(1) !== 0xD8)
		return null;
	while (off + 4 <= n) {
		if (dv.getUint8(off) !== 0xFF)
			return null;
		var marker = dv.getUint8(off + 1);
		var len = dv.getUint16(off + 2);
		if (marker === 0xDA || len < 2)	/* start of scan: no COM */
			return null;
		if (marker === 0xFE) {
			var end = Math.min(off + 2 + len, buf.byteLength);
			var bytes = new Uint8Array(buf, off + 4, end - off - 4);
			var text = String.fromCharCode.apply(null, bytes);
			var out = {};
			text.split(/\s+/).forEach(function (kv) {
				var i = kv.indexOf('=');
				if (i > 0)
					out[kv.slice(0, i)] = kv.slice(i + 1);
			});
			return out;
		}
		off += 2 + len;
	}
	return null;
}

function num(v) {
	var x = Number(v);
	return v !== undefined && v !== '' && isFinite(x) ? x : null;
}

/* ---- a stream: one camera's socket and picture ------------------------ */

/* One camera's live picture, for the single view or a grid tile: the
 * WebSocket at base + 'websocket/' (auto, or the quality q.lockedQ when
 * q.mode is 'locked'), frames decoded one at a time onto canvas, the size
 * they are drawn at told to the server, reconnects with backoff and a
 * watchdog. box gets the class has-frame while a picture shows, and the
 * picture's aspect ratio as --ar. hooks.status(st) hears every change of
 * status; hooks.refused() a close that may mean we may watch no more
 * (1008, or a socket that never opened): it asks, and calls retry() if
 * we still may. */
function makeStream(base, canvas, box, q, hooks) {
	var S = {
		status: 'connecting',	/* connecting | live | stalled |
					   reconnecting | offline | stopped
					   (not wanted) | denied | resting
					   (hidden tab, tile off screen) */
		connects: 0,		/* sockets opened successfully */
		frames: 0,		/* binary messages received, all connections */
		framesConn: 0,		/* ... on the current connection */
		shown: 0,		/* frames drawn */
		dropped: 0,		/* frames replaced before we could decode them */
		decodeErrors: 0,
		skipped: 0,		/* seq gaps: frames the server did not send us */
		bytes: 0,
		q: null, w: null, h: null, seq: null, ts: null,
		latencyLast: null,
		source: null, hello: null,
		serverStats: null,	/* last {"type":"stats"} */
		retryAt: 0,
		firstFrameAt: 0,
		lastMsgAt: 0
	};
	var recv = [];		/* [{t, bytes}] inside WINDOW_MS */
	var drawn = [];		/* [{t, lat}] inside WINDOW_MS */
	var ws = null, backoff = BACKOFF_MIN_MS, retryTimer = 0;
	var active = false;	/* wanted: not stopped, logged out, refused */
	var onScreen = true;	/* a tile scrolled out of view is not */
	var decoding = false, pendingBlob = null, pendingMeta = null;
	var viewSent = '', viewTimer = 0;
	var vctx = canvas.getContext('2d', { alpha: false });

	function runnable() {
		return active && onScreen && !resting();
	}

	function setStatus(st) {
		S.status = st;
		hooks.status(st);
	}

	function wsURL() {
		var path = base + 'websocket/' +
		    (q.mode === 'auto' ? 'auto' : q.lockedQ);
		/* Relative to the page, so it also works behind a path prefix. */
		var u = new URL(path, location.href);
		u.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
		u.search = '';
		u.hash = '';
		return u.href;
	}

	function connect() {
		clearTimeout(retryTimer);
		retryTimer = 0;
		if (ws || !runnable())
			return;
		setStatus('connecting');
		var sock, opened = false;
		try {
			sock = new WebSocket(wsURL(), ['rerocctv.v1']);
		} catch (e) {
			scheduleReconnect();
			return;
		}
		ws = sock;
		sock.binaryType = 'arraybuffer';
		S.framesConn = 0;
		S.seq = null;
		sock.onopen = function () {
			if (sock !== ws)
				return;
			opened = true;
			S.connects++;
			S.lastMsgAt = performance.now();
		};
		sock.onmessage = function (ev) {
			if (sock !== ws)
				return;
			S.lastMsgAt = performance.now();
			if (typeof ev.data === 'string')
				onText(ev.data);
			else
				onFrame(ev.data);
		};
		sock.onclose = function (ev) {
			if (sock !== ws)
				return;
			ws = null;
			/* 1008: our access was revoked. A socket that never
			 * opened may have been refused (401 once a session is
			 * gone), and the browser does not say why: ask before
			 * trying again, so a logged-out page does not knock on
			 * a locked door forever. */
			if (ev.code === 1008 || !opened)
				hooks.refused();
			else
				scheduleReconnect();
		};
		/* onerror is always followed by onclose; nothing to do here. */
		sock.onerror = function () {};
	}

	function scheduleReconnect() {
		clearTimeout(retryTimer);
		if (!runnable())
			return;
		if (navigator.onLine === false) {
			setStatus('offline');
			return;		/* the "online" event reconnects */
		}
		var d = backoff;
		backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
		S.retryAt = performance.now() + d;
		setStatus('reconnecting');
		retryTimer = setTimeout(connect, d);
	}

	function drop(code, why) {
		if (ws) {
			var old = ws;
			ws = null;
			old.close(code, why);
		}
	}

	function reconnectNow() {
		backoff = BACKOFF_MIN_MS;
		drop();
		connect();
	}

	function send(obj) {
		if (ws && ws.readyState === WebSocket.OPEN)
			ws.send(JSON.stringify(obj));
	}

	/* The size the picture is drawn at, in device pixels (the canvas is
	 * letterboxed with object-fit: contain), so that the server sends no
	 * more pixels than the screen shows: a phone, or a small tile, gets
	 * smaller frames. */
	function viewSize() {
		var hello = S.hello, r = canvas.getBoundingClientRect();
		if (!hello || !hello.w || !hello.h || !r.width || !r.height)
			return null;
		var ar = hello.w / hello.h, w = r.width, h = r.height;
		if (w / h > ar)
			w = h * ar;
		else
			h = w / ar;
		var dpr = window.devicePixelRatio || 1;
		return { w: Math.round(w * dpr), h: Math.round(h * dpr) };
	}
	function sendView() {
		var v = viewSize();
		if (!v || v.w + 'x' + v.h === viewSent)
			return;
		viewSent = v.w + 'x' + v.h;
		send({ view_w: v.w, view_h: v.h });
	}
	function viewChanged() {
		clearTimeout(viewTimer);
		viewTimer = setTimeout(sendView, 250);
	}

	/* Server text messages are optional extras: tolerate anything. */
	function onText(text) {
		var m;
		try {
			m = JSON.parse(text);
		} catch (e) {
			return;
		}
		if (!m || typeof m !== 'object')
			return;
		if (m.type === 'hello') {
			S.hello = m;
			if (typeof m.source === 'string')
				S.source = m.source;
			viewSent = '';		/* a new connection: tell it */
			sendView();
		} else if (m.type === 'stats') {
			S.serverStats = m;
		}
	}

	function onFrame(buf) {
		var now = performance.now();
		S.frames++;
		S.framesConn++;
		S.bytes += buf.byteLength;
		recv.push({ t: now, bytes: buf.byteLength });
		if (S.framesConn === 1) {
			S.firstFrameAt = now;
			backoff = BACKOFF_MIN_MS;	/* a stream worked: start over */
			setStatus('live');
		} else if (S.status !== 'live') {
			setStatus('live');
		}

		var meta = parseCom(buf) || {};
		var seq = num(meta.seq);
		if (seq !== null) {
			if (S.seq !== null && seq > S.seq + 1)
				S.skipped += seq - S.seq - 1;
			S.seq = seq;	/* a smaller seq: the server restarted */
		}
		if (num(meta.q) !== null)
			S.q = num(meta.q);
		if (num(meta.w) !== null && num(meta.h) !== null) {
			S.w = num(meta.w);
			S.h = num(meta.h);
		}
		S.ts = num(meta.ts);

		/* Latest frame wins: one decode in flight, one pending. */
		if (pendingBlob)
			S.dropped++;
		pendingBlob = new Blob([buf], { type: 'image/jpeg' });
		pendingMeta = { ts: S.ts };
		if (!decoding)
			decodeNext();
	}

	function decodeNext() {
		if (!pendingBlob)
			return;
		var blob = pendingBlob, meta = pendingMeta;
		pendingBlob = null;
		pendingMeta = null;
		decoding = true;
		createImageBitmap(blob).then(function (bmp) {
			draw(bmp, meta);
		}, function () {
			S.decodeErrors++;
		}).then(function () {
			decoding = false;
			decodeNext();
		});
	}

	function draw(bmp, meta) {
		if (!active) {		/* decoded after a stop: show nothing */
			if (bmp.close)
				bmp.close();
			return;
		}
		if (canvas.width !== bmp.width || canvas.height !== bmp.height) {
			canvas.width = bmp.width;
			canvas.height = bmp.height;
			/* phones size the picture box to its aspect ratio */
			box.style.setProperty('--ar', bmp.width + ' / ' + bmp.height);
		}
		vctx.drawImage(bmp, 0, 0);
		if (bmp.close)
			bmp.close();
		S.shown++;
		var lat = null;
		if (meta.ts !== null)
			lat = (Date.now() * 1000 - meta.ts) / 1000;
		S.latencyLast = lat;
		drawn.push({ t: performance.now(), lat: lat });
		box.classList.add('has-frame');
	}

	function trim(arr, now) {
		while (arr.length && now - arr[0].t > WINDOW_MS)
			arr.shift();
	}

	/* Rates over the window; while the stream is younger than the
	 * window, over the time since its first frame, so the numbers
	 * settle at once. */
	function rates() {
		var now = performance.now();
		trim(recv, now);
		trim(drawn, now);
		var r = { fps: 0, rfps: 0, kbps: 0, lat: null }, i;
		if (!ws || S.status !== 'live')
			return r;
		var age = now - S.firstFrameAt;
		if (age >= WINDOW_MS) {
			r.fps = drawn.length * 1000 / WINDOW_MS;
			r.rfps = recv.length * 1000 / WINDOW_MS;
		} else {
			if (drawn.length > 1)
				r.fps = (drawn.length - 1) * 1000 /
				    Math.max(drawn[drawn.length - 1].t - drawn[0].t, 1);
			if (recv.length > 1)
				r.rfps = (recv.length - 1) * 1000 /
				    Math.max(recv[recv.length - 1].t - recv[0].t, 1);
		}
		var b = 0;
		for (i = 0; i < recv.length; i++)
			b += recv[i].bytes;
		r.kbps = b * 8 / Math.max(Math.min(age, WINDOW_MS), 100);
		var ls = 0, ln = 0;
		for (i = 0; i < drawn.length; i++) {
			if (drawn[i].lat !== null) {
				ls += drawn[i].lat;
				ln++;
			}
		}
		if (ln)
			r.lat = ls / ln;
		return r;
	}

	function stats() {
		var r = rates(), ss = S.serverStats || {};
		return {
			status: S.status,
			mode: q.mode,
			locked_q: q.mode === 'locked' ? q.lockedQ : null,
			connects: S.connects,
			frames: S.frames,
			frames_conn: S.framesConn,
			shown: S.shown,
			dropped: S.dropped,
			decode_errors: S.decodeErrors,
			skipped: S.skipped,
			bytes: S.bytes,
			fps: r.fps,
			recv_fps: r.rfps,
			kbps: r.kbps,
			latency_ms: r.lat,
			latency_last_ms: S.latencyLast,
			q: S.q,
			w: S.w,
			h: S.h,
			seq: S.seq,
			source: S.source,
			server_bw_kbps: num(ss.bw_kbps),
			server_rtt_ms: num(ss.rtt_ms),
			server_rung: typeof ss.rung === 'string' ? ss.rung : null,
			canvas_w: canvas.width,
			canvas_h: canvas.height,
			base: base,
			open: !!ws,
			view: viewSent || null
		};
	}

	/* A socket that stays open but delivers nothing is as bad as a
	 * closed one. */
	function watchdog() {
		if (!ws || ws.readyState !== WebSocket.OPEN)
			return;
		var idle = performance.now() - S.lastMsgAt;
		if (idle > STALL_MS) {
			drop();
			scheduleReconnect();
		} else if (idle > 2000 && S.status === 'live') {
			setStatus('stalled');
		}
	}

	/* Nobody looks (a hidden tab, a tile out of view): close at once,
	 * so the server stops sending and, with nobody else on the rung,
	 * stops encoding. */
	function rest() {
		drop(1000, 'resting');
		clearTimeout(retryTimer);
		if (active)
			setStatus('resting');
	}

	/* Looked at again: reconnect at once. */
	function wake() {
		if (!ws && runnable()) {
			backoff = BACKOFF_MIN_MS;
			connect();
		}
	}

	return {
		base: base,
		S: S,
		stats: stats,
		rates: rates,
		send: send,
		setStatus: setStatus,
		viewChanged: viewChanged,
		watchdog: watchdog,
		reconnectNow: reconnectNow,
		retry: scheduleReconnect,
		open: function () { return !!ws; },
		onScreen: function () { return onScreen; },
		start: function () {
			if (active)
				return;
			active = true;
			backoff = BACKOFF_MIN_MS;
			if (runnable())
				connect();
			else
				rest();
		},
		/* No stream wanted: close the socket and, unless keep, forget
		 * the picture, so a page left logged out shows nothing of the
		 * camera. */
		stop: function (keep) {
			active = false;
			clearTimeout(retryTimer);
			retryTimer = 0;
			drop();
			pendingBlob = pendingMeta = null;
			if (!keep) {
				vctx.clearRect(0, 0, canvas.width, canvas.height);
				box.classList.remove('has-frame');
			}
			setStatus('stopped');
		},
		rest: rest,
		wake: wake,
		setOnScreen: function (on) {
			onScreen = on;
			if (on)
				wake();
			else
				rest();
		},
		online: function () {
			if (!ws && active)
				reconnectNow();
		},
		/* Say so at once; a frame that still gets through says "live"
		 * again. */
		offline: function () {
			if (ws)
				setStatus('offline');
			else
				scheduleReconnect();
		}
	};
}

window.rerocctvStream = { make: makeStream, resting: resting };

})();
