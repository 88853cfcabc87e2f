# links-eval.awk: judges one viewer of one run of bench/links.sh.
# awk -f links-eval.awk -v meta=RUN/meta -v viewer=V [-v sizes=FILE] \
#	RUN/V.frames
# meta: the run's key=value words (links-lib.sh); the link's log, the
# viewer's per-second trace and, for two viewers, the other's frames are
# found beside it. sizes: `rung bytes` lines in ladder order (ls_measure);
# without it the oracle's figures are "-". Prints one line of key=value
# words:
#	frames, fps_p50 fps_p10 (frames in each second of the run),
#	age_p50 age_p95 age_p99 (ms, arrival - capture, over all frames),
#	stalls stall_max (gaps over `stall` s, 0.5, between the start and
#	the first frame, between frames, and from the last to the end;
#	the longest in ms), first_ms (to the first frame),
#	mbps (frame bytes received), cap_mbps (the link's down capacity
#	over the run), util (mbps / cap_mbps, %),
#	windows (of `win` s, 10), oracle_ok (% of them where the viewer's
#	rung was the oracle's or the one below), over (% above the
#	oracle's), starved (windows where no rung fits), oracle_need
#	(bits received / bits the oracle's rungs need, %), rung (the rung
#	of most frames), reconnects, cpu_s (the server's), and for two
#	viewers peer_mbps and fair (smaller / larger throughput, %).
# The oracle of a window is the highest ladder rung whose frame size at
# the source's frame rate fits in 90 % (`fit`) of the window's capacity
# (over the viewers sharing it); the viewer's rung in a window is the one
# that carried most of its frames there, named from q= and w= (w at most
# a quarter of the source's width: tNN, at most half: hNN, else qNN). A
# rung off the ladder (the reconnecting client's q85) is placed by its
# frame size in that window.
BEGIN {
	if (!win) win = 10
	if (!stall) stall = 0.5
	if (!fit) fit = 0.9
	while ((getline line < meta) > 0) {
		n = split(line, f, " ")
		for (i = 1; i <= n; i++) {
			k = index(f[i], "=")
			if (k) m[substr(f[i], 1, k - 1)] = substr(f[i], k + 1)
		}
	}
	close(meta)
	dir = meta; sub(/[^\/]*$/, "", dir)
	start = m["start"] + 0; secs = m["secs"] + 0; t0 = m["t0"] + 0
	end = start + secs * 1e6
	src_w = m["src_w"] + 0; fps = m["fps"] + 0
	share = m["case"] == "two" ? 2 : 1
	nl = 0
	if (sizes != "")
		while ((getline line < sizes) > 0) {
			split(line, f, " ")
			lad[++nl] = f[1]; sz[f[1]] = f[2] + 0; idx[f[1]] = nl
		}
	# The link's down capacity per second of its own clock.
	trace_mbit = "-"
	while ((getline line < (dir "link.log")) > 0) {
		split(line, f, " ")
		if (line ~ /^# down:/ && match(line, /[0-9.]+ Mbit\/s mean/))
			trace_mbit = substr(line, RSTART, RLENGTH - 12) + 0
		if (f[2] == "down") {
			cap[f[1]] = f[3] + 0; if (f[1] + 0 > ls) ls = f[1] + 0
		}
	}
	# The last second of the per-second trace has the reconnects.
	reconnects = 0
	while ((getline line < (dir viewer ".trace")) > 0) {
		split(line, f, " "); reconnects = f[10]
	}
	peer_mbps = "-"
	if (share == 2) {
		pv = viewer == "a" ? "b" : "a"
		pb = 0
		while ((getline line < (dir pv ".frames")) > 0) {
			split(line, f, " ")
			if (f[1] >= start && f[1] < end) pb += f[3]
		}
		peer_mbps = pb * 8 / secs / 1e6
	}
	nsec = int(secs + 0.5)
	nwin = int(secs / win)
	prev = start
}
function rung_of(q, w) {
	return (w * 4 <= src_w ? "t" : w * 2 <= src_w ? "h" : "q") q
}
$1 >= start && $1 < end {
	nf++
	bytes += $3
	age[nf] = ($1 - $2) / 1000
	s = int(($1 - start) / 1e6); per[s]++
	gap = $1 - prev
	if (gap > stall * 1e6) { stalls++; if (gap > gmax) gmax = gap }
	if (nf == 1) first = gap
	prev = $1
	r = rung_of($4, $5)
	all[r]++
	w = int(($1 - start) / (win * 1e6))
	if (w < nwin) {
		wn[w, r]++; wb[w, r] += $3; wbytes[w] += $3
		if (!((w, r) in seen)) { seen[w, r] = 1; wr[w] = wr[w] " " r }
	}
}
# The capacity of the link in bytes/s over [a, b) µs of CLOCK_REALTIME,
# from the seconds the log has.
function cap_rate(a, b,   s, x, y, o, by, cov) {
	for (s = 0; s <= ls; s++) {
		if (!(s in cap)) continue
		x = t0 + s * 1e6; y = x + 1e6
		o = (b < y ? b : y) - (a > x ? a : x)
		if (o <= 0) continue
		by += cap[s] * o / 1e6; cov += o
	}
	return cov ? by / (cov / 1e6) : 0
}
# Where a rung sits on the ladder (1 the smallest): its place, or for a
# rung off the ladder, between the rungs its frame size lies between.
function place(r, s,   j, lo) {
	if (r in idx) return idx[r]
	lo = 0
	for (j = 1; j <= nl; j++)
		if (sz[lad[j]] <= s) lo = j
	if (lo && s <= sz[lad[lo]] * 1.03) return lo
	if (lo < nl && s >= sz[lad[lo + 1]] * 0.97) return lo + 1
	return lo + 0.5
}
function hsort(a, n,   i, t) {
	for (i = int(n / 2); i >= 1; i--) sift(a, i, n)
	for (i = n; i > 1; i--) {
		t = a[1]; a[1] = a[i]; a[i] = t
		sift(a, 1, i - 1)
	}
}
function sift(a, i, n,   c, t) {
	while ((c = 2 * i) <= n) {
		if (c < n && a[c + 1] > a[c]) c++
		if (a[i] >= a[c]) return
		t = a[i]; a[i] = a[c]; a[c] = t; i = c
	}
}
function pct(a, n, p) {
	return n ? a[int((n - 1) * p / 100) + 1] : 0
}
function median(a, n) {
	return n ? (a[int((n + 1) / 2)] + a[int(n / 2) + 1]) / 2 : 0
}
END {
	gap = end - prev
	if (gap > stall * 1e6) { stalls++; if (gap > gmax) gmax = gap }
	if (!nf) first = end - start
	for (s = 0; s < nsec; s++) fr[s + 1] = per[s] + 0
	hsort(fr, nsec)
	hsort(age, nf)
	top = "-"; tn = 0
	for (r in all) if (all[r] > tn) { tn = all[r]; top = r }
	cap_mbps = cap_rate(start, end) * 8 / 1e6
	mbps = bytes * 8 / secs / 1e6
	ok = over = starved = got = need = 0
	if (nl)
		for (w = 0; w < nwin; w++) {
			rate = cap_rate(start + w * win * 1e6,
					start + (w + 1) * win * 1e6) / share
			o = 0
			for (j = 1; j <= nl; j++)
				if (sz[lad[j]] * 8 * fps <= fit * rate * 8) o = j
			if (!o) { o = 1; starved++ }
			need += sz[lad[o]] * 8 * fps * win
			got += wbytes[w] * 8
			best = ""; bn = 0
			k = split(wr[w], rs, " ")
			for (j = 1; j <= k; j++)
				if (wn[w, rs[j]] > bn) { bn = wn[w, rs[j]]; best = rs[j] }
			if (best == "") continue
			p = place(best, wb[w, best] / bn)
			if (p >= o - 1 && p <= o) ok++
			else if (p > o) over++
		}
	printf "name=%s viewer=%s trace=%s trace_mbit=%s cc=%s case=%s " \
	       "secs=%d frames=%d fps_p50=%.1f fps_p10=%d age_p50=%.0f " \
	       "age_p95=%.0f age_p99=%.0f stalls=%d stall_max=%.0f " \
	       "first_ms=%.0f mbps=%.2f cap_mbps=%.2f util=%.0f rung=%s ",
	       m["name"], viewer, m["trace"], trace_mbit, m["cc"], m["case"],
	       secs, nf, median(fr, nsec), pct(fr, nsec, 10), pct(age, nf, 50),
	       pct(age, nf, 95), pct(age, nf, 99), stalls, gmax / 1000,
	       first / 1000, mbps, cap_mbps,
	       cap_mbps ? 100 * mbps / cap_mbps : 0, top
	if (nl && nwin)
		printf "windows=%d oracle_ok=%.0f over=%.0f starved=%d " \
		       "oracle_need=%.0f ", nwin, 100 * ok / nwin,
		       100 * over / nwin, starved, need ? 100 * got / need : 0
	else
		printf "windows=%d oracle_ok=- over=- starved=- " \
		       "oracle_need=- ", nwin
	printf "reconnects=%d cpu_s=%s cc_ok=%s", reconnects, m["cpu_s"],
	       m["cc_ok"]
	if (share == 2) {
		lo = mbps < peer_mbps ? mbps : peer_mbps
		hi = mbps < peer_mbps ? peer_mbps : mbps
		printf " peer_mbps=%.2f fair=%.0f", peer_mbps,
		       hi ? 100 * lo / hi : 0
	}
	printf "\n"
}
