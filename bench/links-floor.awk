# links-floor.awk: what the link alone makes a frame wait. For a trace
# (one line per 1500-byte delivery opportunity, its millisecond), a frame
# of SIZE bytes handed to the link with an empty queue at time t arrives
# once its packets have had their opportunities, plus the one-way DELAY:
# that is the least frame age any sender can get at t. Prints it for t
# every STEP ms (default 7) of the trace, a line each; its percentiles
# are a floor under the frame ages the bench measures (a frame sent into
# an outage waits it out whatever the sender does). Measured ages sample
# frames, not time, and a sender that skips frames during an outage
# samples outages less, so a measured percentile can fall under it.
#
#	awk -v size=40000 -v delay=40 -f bench/links-floor.awk TRACE.down
BEGIN { step = step ? step : 7 }
NF { ts[n++] = $1 + 0 }
END {
	pk = int((size + 1499) / 1500)
	i = 0
	for (t = 0; i + pk - 1 < n; t += step) {
		while (i < n && ts[i] < t)
			i++
		if (i + pk - 1 >= n)
			break
		print ts[i + pk - 1] - t + delay
	}
}
