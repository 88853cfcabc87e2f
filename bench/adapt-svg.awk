# adapt-svg.awk: the benchmark's chart. For each congestion control (a
# column) three panels over time: the rung in use (on the auto ladder,
# placed by frame size, so that the reconnecting client's q85 sits
# between q80 and q90), with the oracle rung dashed; delivered fps; and
# the frame age p95. Grey bands mark the slow phase.
# awk -f adapt-svg.awk -v dir=DIR -v ccs="cubic bbr" -v phases=... \
#	-v src_fps=30 -v src_w=1280
BEGIN {
	nl = split("h30 h45 h60 h75 q30 q45 q60 q70 q80 q90 q95", lad, " ")
	while ((getline line < (dir "/sizes")) > 0) {
		split(line, f, " "); sz[f[1]] = f[2]
	}
	np = split(phases, ph, " "); total = 0
	for (i = 1; i <= np; i++) {
		split(ph[i], f, ":")
		ps[i] = total; total += f[1]; pe[i] = total; pr[i] = f[2]
		o = 1
		for (j = 1; j <= nl; j++)
			if (sz[lad[j]] * 8 * src_fps <= 0.85 * f[2] * 1e6) o = j
		orc[i] = o - 1
	}
	ncc = split(ccs, cc, " ")
	nk = split("auto q95 pm5", kind, " ")
	col["auto"] = "#1f6fd1"; col["q95"] = "#d1401f"; col["pm5"] = "#2a9d3a"
	lab["auto"] = "auto"; lab["q95"] = "fixed q95"
	lab["pm5"] = "reconnect ±5"
	W = 420; H = 130; L = 50; T = 40; G = 40
	title[1] = "rung"; title[2] = "fps"; title[3] = "frame age p95 (ms)"
	ymax[1] = nl - 1; ymax[2] = 32; ymax[3] = 1000
	tw = L + ncc * (W + L) + 10; th = T + 3 * (H + G) + 30
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" " \
	       "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
	       tw, th
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
	for (k = 1; k <= nk; k++)
		printf "<text x=\"%d\" y=\"16\" fill=\"%s\">&#9632; %s</text>\n",
		       L + (k - 1) * 130, col[kind[k]], lab[kind[k]]
	printf "<text x=\"%d\" y=\"16\" fill=\"#777\">- - oracle rung; " \
	       "grey: slow link</text>\n", L + nk * 130
	for (c = 1; c <= ncc; c++) {
		x0 = L + (c - 1) * (W + L)
		for (p = 1; p <= 3; p++) {
			y0 = T + (p - 1) * (H + G)
			frame(x0, y0, p, cc[c])
			if (p == 1) oracle(x0, y0)
			for (k = 1; k <= nk; k++)
				plot(dir "/" cc[c] "-" kind[k] "-c", x0, y0, p,
				     col[kind[k]])
		}
	}
	print "</svg>"
}
function X(t) { return x0 + t / total * W }
function Y(v, p) {
	if (v > ymax[p]) v = ymax[p]
	if (v < 0) v = 0
	return y0 + H - v / ymax[p] * H
}
function frame(x0, y0, p, name,   i, v) {
	for (i = 1; i <= np; i++)
		if (i > 1 && pr[i] < pr[1])
			printf "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" " \
			       "height=\"%d\" fill=\"#eee\"/>\n", X(ps[i]), y0,
			       X(pe[i]) - X(ps[i]), H
	printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" " \
	       "fill=\"none\" stroke=\"#999\"/>\n", x0, y0, W, H
	printf "<text x=\"%d\" y=\"%d\">%s: %s</text>\n", x0, y0 - 6, name,
	       title[p]
	for (i = 1; i <= np; i++)
		printf "<text x=\"%.1f\" y=\"%d\" fill=\"#777\">%s Mbit/s" \
		       "</text>\n", X(ps[i]) + 3, y0 + 12, pr[i]
	if (p == 1)
		for (i = 1; i <= nl; i += 2)
			printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">" \
			       "%s</text>\n", x0 - 4, Y(i - 1, p) + 4, lad[i]
	else
		for (v = 0; v <= ymax[p]; v += ymax[p] / 4)
			printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">" \
			       "%d</text>\n", x0 - 4, Y(v, p) + 4, v
	for (i = 0; i <= total; i += 10)
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" " \
		       "fill=\"#777\">%ds</text>\n", X(i), y0 + H + 12, i
}
function oracle(x0, y0,   i, d) {
	d = ""
	for (i = 1; i <= np; i++)
		d = d sprintf("%s%.1f,%.1f L%.1f,%.1f ", i == 1 ? "M" : "L",
			      X(ps[i]), Y(orc[i], 1), X(pe[i]), Y(orc[i], 1))
	printf "<path d=\"%s\" fill=\"none\" stroke=\"#777\" " \
	       "stroke-dasharray=\"4,3\"/>\n", d
}
# Position of a frame size on the ladder, interpolated between rungs.
function pos(s,   j, a, b) {
	if (s <= sz[lad[1]]) return 0
	for (j = 1; j < nl; j++) {
		a = sz[lad[j]]; b = sz[lad[j + 1]]
		if (s <= b) return j - 1 + (log(s) - log(a)) / (log(b) - log(a))
	}
	return nl - 1
}
function plot(file, x0, y0, p, color,   line, f, d, v, n) {
	d = ""; n = 0
	while ((getline line < file) > 0) {
		split(line, f, " ")
		if (p == 1) {
			if (f[2] == 0) continue
			v = pos(sz[(f[3] > 0 && f[3] * 2 <= src_w ? "h" : "q") f[2]])
		} else if (p == 2) {
			v = f[5]
		} else {
			v = f[8]
		}
		d = d sprintf("%s%.1f,%.1f ", n++ ? "L" : "M", X(f[1] - 0.5),
			      Y(v, p))
	}
	close(file)
	if (n)
		printf "<path d=\"%s\" fill=\"none\" stroke=\"%s\" " \
		       "stroke-width=\"1.5\"/>\n", d, color
}
