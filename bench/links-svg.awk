# links-svg.awk: the chart of one run of bench/links.sh.
# awk -f links-svg.awk -v meta=RUN/meta [-v sizes=FILE] [-v note=TEXT] \
#	>RUN.svg
# Two panels over the run's time. Above, in Mbit/s: the link's down
# capacity each second (grey), what the oracle's rung needs in each
# 10-second window (dashed: the highest rung whose frames at the source's
# rate fit in 90 % of the window's capacity, over the viewers sharing
# it), and for each viewer the bitrate it received each second and what
# its rung of that second needs at the source's rate (the rung that
# carried most of its frames; faint lines mark every ladder rung's need).
# Below: each frame's age (arrival - capture) on a log scale, clipped to
# 10 ms .. 10 s. Files as links-eval.awk reads them.
BEGIN {
	while ((getline line < meta) > 0) {
		n = split(line, f, " ")
		for (i = 1; i <= n; i++) {
			k = index(f[i], "=")
			if (k) m[substr(f[i], 1, k - 1)] = substr(f[i], k + 1)
		}
	}
	dir = meta; sub(/[^\/]*$/, "", dir)
	start = m["start"] + 0; secs = m["secs"] + 0; t0 = m["t0"] + 0
	src_w = m["src_w"] + 0; fps = m["fps"] + 0
	nv = m["case"] == "two" ? split("a b", vw, " ") : split("c", vw, " ")
	vcol["c"] = vcol["a"] = "#1f6fd1"; vcol["b"] = "#2a9d3a"
	rcol["c"] = rcol["a"] = "#e07b00"; rcol["b"] = "#9b3fc0"
	nl = 0
	if (sizes != "")
		while ((getline line < sizes) > 0) {
			split(line, f, " ")
			lad[++nl] = f[1]; sz[f[1]] = f[2] + 0
		}
	ymax = 1
	read_link()
	for (v = 1; v <= nv; v++) read_frames(vw[v])
	oracle()
	ymax = nice(ymax * 1.05)
	L = 60; W = 860; T = 76; H1 = 250; G = 56; H2 = 160
	TW = L + W + 50; TH = T + H1 + G + H2 + 42
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" " \
	       "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
	       TW, TH
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	printf "<text x=\"%d\" y=\"16\" font-size=\"13\">%s (%s Mbit/s " \
	       "mean), %s, %s, %d s</text>\n", L, esc(m["trace"]), mean,
	       m["cc"], m["case"], secs
	if (note != "")
		printf "<text x=\"%d\" y=\"31\" fill=\"#555\">%s</text>\n", L,
		       esc(note)
	legend()
	panel1()
	panel2()
	print "</svg>"
}
function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	return s
}
function rung_of(q, w) {
	return (w * 4 <= src_w ? "t" : w * 2 <= src_w ? "h" : "q") q
}
# The smallest of 1, 2, 5 x 10^k at least v.
function nice(v,   p) {
	p = 1
	while (p * 10 <= v) p *= 10
	while (p > v * 10) p /= 10
	if (v <= p) return p
	if (v <= 2 * p) return 2 * p
	if (v <= 5 * p) return 5 * p
	return 10 * p
}
function read_link(   line, f, x) {
	ncap = 0
	while ((getline line < (dir "link.log")) > 0) {
		split(line, f, " ")
		if (line ~ /^# down:/ && match(line, /[0-9.]+ Mbit\/s mean/))
			mean = sprintf("%.1f", substr(line, RSTART, RLENGTH - 12))
		if (f[2] != "down") continue
		x = (t0 + f[1] * 1e6 - start) / 1e6
		if (x + 1 <= 0 || x >= secs) continue
		ncap++; cx[ncap] = x; cv[ncap] = f[3] * 8 / 1e6
		if (cv[ncap] > ymax) ymax = cv[ncap]
	}
}
# Per second of the run: bytes and the frames of each rung; each frame's
# time and age.
function read_frames(v,   line, f, s, r, k, best, bn, j, rs, val) {
	nfr[v] = 0
	while ((getline line < (dir v ".frames")) > 0) {
		split(line, f, " ")
		if (f[1] < start || f[1] >= start + secs * 1e6) continue
		s = int((f[1] - start) / 1e6)
		by[v, s] += f[3]
		r = rung_of(f[4], f[5])
		if (!((v, s, r) in rn)) rl[v, s] = rl[v, s] " " r
		rn[v, s, r]++; rb[v, s, r] += f[3]
		k = ++nfr[v]
		fx[v, k] = (f[1] - start) / 1e6; fa[v, k] = (f[1] - f[2]) / 1000
	}
	close(dir v ".frames")
	for (s = 0; s < secs; s++) {
		if (by[v, s] * 8 / 1e6 > ymax) ymax = by[v, s] * 8 / 1e6
		best = ""; bn = 0
		k = split(rl[v, s], rs, " ")
		for (j = 1; j <= k; j++)
			if (rn[v, s, rs[j]] > bn) { bn = rn[v, s, rs[j]]; best = rs[j] }
		need[v, s] = -1
		if (best == "") continue
		val = (best in sz) ? sz[best] : rb[v, s, best] / bn
		need[v, s] = val * 8 * fps / 1e6
		if (need[v, s] > ymax) ymax = need[v, s]
	}
}
# The oracle's need in each 10-second window, from the capacity seconds.
function oracle(   w, i, a, b, o, bits, cov, rate, j) {
	nw = int(secs / 10)
	for (w = 0; w < nw; w++) {
		a = w * 10; b = a + 10; bits = cov = 0
		for (i = 1; i <= ncap; i++) {
			o = (b < cx[i] + 1 ? b : cx[i] + 1) - (a > cx[i] ? a : cx[i])
			if (o > 0) { bits += cv[i] * o; cov += o }
		}
		onu[w] = -1
		if (!nl || !cov) continue
		rate = bits / cov / nv
		o = 1
		for (j = 1; j <= nl; j++)
			if (sz[lad[j]] * 8 * fps / 1e6 <= 0.9 * rate) o = j
		onu[w] = sz[lad[o]] * 8 * fps / 1e6
		orn[w] = lad[o]
	}
}
function X(t) {
	if (t < 0) t = 0
	if (t > secs) t = secs
	return L + t / secs * W
}
function Y1(v) {
	if (v > ymax) v = ymax
	return T + H1 - v / ymax * H1
}
# Frame age on a log scale from 10 ms to 10 s.
function Y2(a,   y0) {
	y0 = T + H1 + G
	if (a < 10) a = 10
	if (a > 10000) a = 10000
	return y0 + H2 - (log(a) - log(10)) / (log(10000) - log(10)) * H2
}
function legend(   x, y, v, k) {
	x = L; y = 48
	key(x, y, "#ccc", "capacity, per s", 0); x += 120
	if (nl) { key(x, y, "#333", "oracle's rung need (90 % of capacity" \
		      (nv > 1 ? " / 2" : "") ")", 1); x += 250 }
	# The viewers on a line of their own.
	x = L; y += 15
	for (v = 1; v <= nv; v++) {
		k = nv > 1 ? vw[v] ": " : ""
		key(x, y, vcol[vw[v]], k "received, per s", 0); x += 145
		key(x, y, rcol[vw[v]], k "its rung's need at " fps " fps", 0)
		x += 200
	}
}
function key(x, y, col, text, dash) {
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " \
	       "stroke-width=\"%s\"%s/>\n", x, y - 4, x + 16, y - 4, col,
	       dash ? 1.5 : 3, dash ? " stroke-dasharray=\"5,3\"" : ""
	printf "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 20, y, esc(text)
}
function xaxis(y0, h,   t, st) {
	st = secs > 150 ? 30 : secs > 60 ? 20 : 10
	for (t = 0; t <= secs; t += st) {
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" " \
		       "stroke=\"#eee\"/>\n", X(t), y0, X(t), y0 + h
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " \
		       "fill=\"#555\">%d</text>\n", X(t), y0 + h + 13, t
	}
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">" \
	       "time (s)</text>\n", L + W, y0 + h + 27
}
function panel1(   i, v, s, d, st, j, x, y, n) {
	xaxis(T, H1)
	st = ymax / 5
	for (y = 0; y <= ymax + st / 2; y += st) {
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" " \
		       "stroke=\"#eee\"/>\n", L, Y1(y), L + W, Y1(y)
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
		       L - 4, Y1(y) + 4, y
	}
	printf "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" " \
	       "text-anchor=\"middle\">Mbit/s</text>\n", T + H1 / 2, T + H1 / 2
	# Every rung's need, faint, named at the right.
	for (j = 1; j <= nl; j++) {
		y = sz[lad[j]] * 8 * fps / 1e6
		if (y > ymax) break
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" " \
		       "stroke=\"#f3e3cf\"/>\n", L, Y1(y), L + W, Y1(y)
		if (Y1(y) < last_y - 9 || j == 1) {
			printf "<text x=\"%d\" y=\"%.1f\" fill=\"#b07020\" " \
			       "font-size=\"9\">%s</text>\n", L + W + 3,
			       Y1(y) + 3, lad[j]
			last_y = Y1(y)
		}
	}
	# Capacity: a grey area, step per second.
	d = sprintf("M%.1f,%.1f", X(cx[1]), Y1(0))
	for (i = 1; i <= ncap; i++)
		d = d sprintf(" L%.1f,%.1f L%.1f,%.1f", X(cx[i]), Y1(cv[i]),
			      X(cx[i] + 1), Y1(cv[i]))
	if (ncap) {
		d = d sprintf(" L%.1f,%.1f Z", X(cx[ncap] + 1), Y1(0))
		printf "<path d=\"%s\" fill=\"#ddd\" stroke=\"#bbb\"/>\n", d
	}
	# The oracle's need per window, dashed.
	for (i = 0; i < nw; i++)
		if (onu[i] >= 0)
			printf "<path d=\"M%.1f,%.1f L%.1f,%.1f\" stroke=\"#333\" " \
			       "stroke-width=\"1.5\" stroke-dasharray=\"5,3\">" \
			       "<title>%s</title></path>\n", X(i * 10),
			       Y1(onu[i]), X(i * 10 + 10), Y1(onu[i]), orn[i]
	for (v = 1; v <= nv; v++) {
		step(vw[v], 1)
		step(vw[v], 0)
	}
	printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" " \
	       "fill=\"none\" stroke=\"#999\"/>\n", L, T, W, H1
}
# A viewer's received bitrate (rx 1) or its rung's need (0), a step per
# second; a second without frames breaks the need line.
function step(v, rx,   s, d, val, pen) {
	d = ""; pen = 0
	for (s = 0; s < secs; s++) {
		val = rx ? by[v, s] * 8 / 1e6 : need[v, s]
		if (val < 0) { pen = 0; continue }
		d = d sprintf("%s%.1f,%.1f L%.1f,%.1f ", pen ? "L" : "M",
			      X(s), Y1(val), X(s + 1), Y1(val))
		pen = 1
	}
	if (d != "")
		printf "<path d=\"%s\" fill=\"none\" stroke=\"%s\" " \
		       "stroke-width=\"%s\"/>\n", d, rx ? vcol[v] : rcol[v],
		       rx ? 1.5 : 2
}
function panel2(   y0, a, n, i, v, k) {
	y0 = T + H1 + G
	xaxis(y0, H2)
	n = split("10 30 100 300 1000 3000 10000", a, " ")
	for (i = 1; i <= n; i++) {
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" " \
		       "stroke=\"#eee\"/>\n", L, Y2(a[i]), L + W, Y2(a[i])
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
		       L - 4, Y2(a[i]) + 4, \
		       (a[i] >= 1000 ? a[i] / 1000 " s" : a[i] " ms")
	}
	printf "<text x=\"%d\" y=\"%d\">frame age (arrival - capture), " \
	       "each frame; log scale</text>\n", L, y0 - 8
	for (v = 1; v <= nv; v++) {
		printf "<g fill=\"%s\" fill-opacity=\"0.6\">\n", vcol[vw[v]]
		for (k = 1; k <= nfr[vw[v]]; k++)
			printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"1.6\" " \
			       "height=\"1.6\"/>\n", X(fx[vw[v], k]) - 0.8,
			       Y2(fa[vw[v], k]) - 0.8
		printf "</g>\n"
	}
	printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" " \
	       "fill=\"none\" stroke=\"#999\"/>\n", L, y0, W, H2
}
