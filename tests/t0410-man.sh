#!/bin/sh
test_description='rerocctv.1: every option --help lists is documented (and
no other), every endpoint --help names, the sections a page needs; lint
clean under mandoc -T lint and groff -ww'
. "$(dirname "$0")/test-lib.sh"

PAGE=$TOP/rerocctv.1

# test_skip_one DESC WHY: a test that cannot run here, said as TAP.
test_skip_one () {
	test_count=$((test_count + 1))
	printf 'ok %d # SKIP %s (%s)\n' "$test_count" "$1" "$2"
}

# The options: "  --name ..." and "  -h, --help" lines of --help.
test_expect_success 'the options --help lists' '
	"$RR" --help >help.txt &&
	sed -n "s/^  \(-[a-z], \)\{0,1\}\(--[a-z0-9-]*\).*/\1\2/p" help.txt |
		tr -d , | tr " " "\n" | sed "/^$/d" >options &&
	test "$(wc -l <options)" -ge 20 &&
	grep -x -- --listen options && grep -x -- -h options
'

# The page's option tags: the line after each .TP in OPTIONS, with the
# roff escapes for a minus taken off ("\-\-max\-rungs" is --max-rungs).
test_expect_success 'every option is documented in OPTIONS, and no other' '
	awk "/^\.SH /{ on = (\$0 ~ /^\.SH OPTIONS/) } on && tag { print; tag = 0 }
		on && /^\.TP/ { tag = 1 }" "$PAGE" >tags &&
	grep -o "\\\\-\\\\-\\([a-z0-9]\\|\\\\-\\)*\\|\\\\-[a-z]\\b" tags |
		sed "s/\\\\-/-/g" | sort -u >documented &&
	sort -u options >listed &&
	test_cmp listed documented
'

test_expect_success 'every endpoint --help names is in ENDPOINTS' '
	sed -n "/^Endpoints:/,/^Signals:/p" help.txt |
		grep -o "/[a-z?][a-z=]*" | sort -u >endpoints &&
	test "$(wc -l <endpoints)" -ge 10 &&
	awk "/^\.SH /{ on = (\$0 ~ /^\.SH ENDPOINTS/) } on" "$PAGE" >section &&
	while read -r e
	do
		grep -qF -- "$e" section || { echo "missing: $e"; return 1; }
	done <endpoints
'

test_expect_success 'the sections: commands, signals, environment, files, exit status' '
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS ENDPOINTS SIGNALS \
		ENVIRONMENT FILES "EXIT STATUS" EXAMPLES
	do
		grep -qx "\.SH $s" "$PAGE" || { echo "no .SH $s"; return 1; }
	done &&
	grep -q "^\.B rerocctv passwd" "$PAGE" &&
	grep -q "^\.B rerocctv share" "$PAGE" &&
	for w in SIGINT SIGTERM SIGHUP NOTIFY_SOCKET WATCHDOG_USEC \
		/etc/rerocctv/users /etc/default/rerocctv rerocctv.service \
		"?action=stream" "?action=snapshot" "\\-\\-trust\\-proxy"
	do
		grep -qF -- "$w" "$PAGE" || { echo "no $w"; return 1; }
	done
'

if command -v mandoc >/dev/null 2>&1
then
	test_expect_success 'mandoc -T lint: not a word' '
		mandoc -T lint "$PAGE" >lint.out 2>&1 &&
		test_cmp /dev/null lint.out
	'
else
	test_skip_one 'mandoc -T lint' 'mandoc is missing: apt-get install mandoc'
fi

test_expect_success 'groff -ww -man: not a word' '
	groff -ww -man -z "$PAGE" >groff.out 2>&1 &&
	test_cmp /dev/null groff.out
'

test_done
