#!/bin/sh
test_description='the README stays true and short: every option it names
is one --help lists (the manual page is the reference: t0410), its
commands and defaults are the binary'"'"'s, every endpoint it names is in
the manual page'"'"'s ENDPOINTS, and it stays a page a user reads'
. "$(dirname "$0")/test-lib.sh"

README=$TOP/README.md
PAGE=$TOP/rerocctv.1

# Options the README shows of other programs: tests/deps.sh --build,
# systemctl enable --now.
OTHERS='--build --now'

test_expect_success 'every option the README names is in --help' '
	"$RR" --help >help.txt &&
	grep -o -- "--[a-z][a-z0-9-]*" help.txt | sort -u >listed &&
	grep -o -- "--[a-z][a-z0-9-]*" "$README" | sort -u >named &&
	test "$(wc -l <named)" -ge 10 &&
	for o in $OTHERS
	do
		echo "$o"
	done | sort >others &&
	comm -23 named listed | comm -23 - others >unknown &&
	test_cmp /dev/null unknown
'

test_expect_success 'its commands are the binary'"'"'s: passwd and share' '
	grep -q "rerocctv passwd FILE USER" help.txt &&
	grep -q "rerocctv share --auth-file FILE" help.txt &&
	grep -q "rerocctv passwd /etc/rerocctv/users alice --role admin" \
		"$README" &&
	grep -q "rerocctv share --auth-file" "$README"
'

test_expect_success 'the defaults it states are the binary'"'"'s' '
	grep -q "defaults: \`/dev/video0\`, 1280x720 at 30 fps, port 6732" \
		"$README" &&
	grep -q -- "--listen ADDR:PORT .*default 0.0.0.0:6732" help.txt &&
	grep -q -- "--device PATH .*default /dev/video0" help.txt &&
	grep -q -- "--size WxH .*default 1280x720" help.txt &&
	grep -q -- "--fps N .*default 30" help.txt &&
	grep -q "256 connections by default (\`--max-clients\`), 64 from one" \
		"$README" &&
	grep -q -- "--max-clients N .*default 256" help.txt &&
	grep -A1 -- "--max-per-ip N" help.txt | grep -q "default 64"
'

# The first cell of each row of the endpoints table: its paths, each cut
# to its first segment (/websocket/auto is /websocket) or query, a share
# link to /s/TOKEN/.
test_expect_success 'every endpoint it names is in the manual page' '
	sed -n "/^## Endpoints/,/^## /p" "$README" | grep "^| \`" |
		cut -d"|" -f2 | grep -o "\`[^\`]*\`" | tr -d "\`" |
		sed -e "s|^/s/TOKEN/.*|/s/TOKEN/|" -e t \
			-e "s|^\(/[a-z?]*[a-z=]*\).*|\1|" | sort -u >endpoints &&
	test "$(wc -l <endpoints)" -ge 10 &&
	awk "/^\.SH /{ on = (\$0 ~ /^\.SH ENDPOINTS/) } on" "$PAGE" |
		sed "s/\\\\-/-/g" >section &&
	while read -r e
	do
		grep -qF -- "$e" section || { echo "missing: $e"; return 1; }
	done <endpoints
'

test_expect_success 'it links the manual page and stays short (300 lines)' '
	grep -q "(rerocctv.1)" "$README" &&
	test "$(wc -l <"$README")" -le 300
'

test_done
