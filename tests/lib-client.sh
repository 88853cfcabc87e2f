# lib-client.sh: the client's side of a test: a raw request sent and
# /state polled, and what comes back read (a status line, key=value
# words, a number's range, a JPEG's frame header). Sourced by
# test-lib.sh; POSIX sh.

# req 'RAW REQUEST' [SECONDS] sends a raw request (printf escapes) and
# prints the server's whole answer.
req () {
	printf "$1" | "$WSC" http -T "${2:-3}" 127.0.0.1:$PORT
}

# status: the status line of the answer on stdin, without CR.
status () {
	head -n 1 | tr -d '\r'
}

# state_until JQ: polls /state for up to ~5 s until the jq test holds.
state_until () {
	su_n_=50
	while test $su_n_ -gt 0
	do
		curl -sf "$BASE/state" >state.json &&
		jq -e "$1" state.json >/dev/null && return 0
		su_n_=$((su_n_ - 1))
		sleep 0.1
	done
	echo >&2 "state never matched: $1"
	cat >&2 state.json
	return 1
}

# kv KEY: the value of KEY from key=value words on stdin (the last one);
# fails if there is none.
kv () {
	awk -v k="$1" '{
		for (i = 1; i <= NF; i++)
			if (index($i, k "=") == 1) { v = substr($i, length(k) + 2); f = 1 }
	} END { if (f) print v; else exit 1 }'
}

# between MIN MAX: the number on stdin lies in [MIN, MAX].
between () {
	awk -v lo="$1" -v hi="$2" '{ v = $1 + 0 }
		END { if (NR != 1 || v < lo || v > hi) { print "not in [" lo \
		", " hi "]: " $0; exit 1 } }'
}

# sof FILE: "WxH HV" from a JPEG's frame header (segments walked from
# SOI): its size and the luma sampling factors, 22 for 4:2:0, 21 for
# 4:2:2; then "com" when a COM segment comes right after SOI.
sof () {
	head -c 8192 "$1" | od -An -v -tu1 | awk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			if (b[0] != 255 || b[1] != 216) exit 1
			for (i = 2; i + 11 < n && b[i] == 255; ) {
				m = b[i + 1]
				if (m >= 192 && m <= 194) {
					printf "%dx%d %d%d%s\n",
						b[i + 7] * 256 + b[i + 8],
						b[i + 5] * 256 + b[i + 6],
						int(b[i + 11] / 16), b[i + 11] % 16,
						b[3] == 254 ? " com" : ""
					exit 0
				}
				i += 2 + b[i + 2] * 256 + b[i + 3]
			}
			exit 1
		}'
}
