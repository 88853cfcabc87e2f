# adapt-eval.awk: judges one client's trace against the oracle.
# awk -f adapt-eval.awk -v sizes=FILE -v phases="SECS:MBIT ..." \
#	-v share=N -v src_fps=30 -v src_w=1280 -v name=NAME TRACE
# Prints one line of key=value words. A second counts once the link has
# been at its rate for `rise` seconds (5) after a rise or the start, or
# `drop` seconds (3) after a drop. The oracle rung for a rate is the
# highest ladder rung whose mean frame size carries src_fps in 85% of
# the link's share; a rung is compliant when its frame size lies between
# those of the oracle's neighbours (so a quality off the ladder, such as
# the reconnecting client's q85, is judged by its size too).
BEGIN {
	nl = split("h30 h45 h60 h75 q30 q45 q60 q70 q80 q90 q95", lad, " ")
	while ((getline line < sizes) > 0) {
		split(line, f, " ")
		sz[f[1]] = f[2]
	}
	if (!share) share = 1
	if (!rise) rise = 5
	if (!drop) drop = 3
	np = split(phases, ph, " ")
	t = 0; prev = 0
	for (i = 1; i <= np; i++) {
		split(ph[i], f, ":")
		pstart[i] = t; pend[i] = t + f[1]; prate[i] = f[2]
		psettle[i] = (i > 1 && f[2] < prev) ? drop : rise
		prev = f[2]; t += f[1]
		o = 1
		for (j = 1; j <= nl; j++)
			if (sz[lad[j]] * 8 * src_fps <= 0.85 * f[2] * 1e6 / share)
				o = j
		orc[i] = o
	}
}
function phase_of(x,   i) {
	for (i = 1; i <= np; i++)
		if (x >= pstart[i] && x < pend[i]) return i
	return 0
}
{
	t = $1; q = $2; w = $3; fr = $5; kb = $6; p50 = $7; p95 = $8
	gap = $11
	if (gap > 1000 && !install) stalls++
	install = gap > 1000
	reconn = $10
	p = phase_of(t - 0.5)
	if (!p || t - 0.5 < pstart[p] + psettle[p]) next
	n++
	kbsum += kb
	rate = prate[p] * 1e6 / share
	r = (w > 0 && w * 2 <= src_w ? "h" : "q") q
	s = sz[r]
	o = orc[p]
	lo = sz[lad[o > 1 ? o - 1 : 1]]; hi = sz[lad[o < nl ? o + 1 : nl]]
	if (q > 0 && s > 0 && s >= lo * 0.97 && s <= hi * 1.03) ok++
	if (q > 0 && s > 0 && s > hi * 1.03) over++
	allowed = s > 0 ? rate / (s * 8) : src_fps
	if (allowed > src_fps) allowed = src_fps
	asum += allowed; fsum += fr
	a50[n] = p50; a95[n] = p95
}
function pct(a, k, pc,   i, j, x) {
	for (i = 2; i <= k; i++) {
		x = a[i]
		for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
		a[j + 1] = x
	}
	return k ? a[int((k - 1) * pc / 100) + 1] : 0
}
END {
	printf "name=%s seconds=%d rung_ok=%.0f over=%.0f fps=%.1f " \
	       "allowed=%.1f fps_ratio=%.0f age_p50=%.0f age_p95=%.0f " \
	       "reconnects=%d stalls=%d kbps=%.0f\n", name, n,
	       n ? 100 * ok / n : 0, n ? 100 * over / n : 0,
	       n ? fsum / n : 0, n ? asum / n : 0,
	       asum ? 100 * fsum / asum : 0, pct(a50, n, 50), pct(a95, n, 95),
	       reconn, stalls, n ? kbsum / n : 0
}
