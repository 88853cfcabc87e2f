#!/bin/sh
test_description='the README stays true: its usage block is what --help says
(options and subcommands)'
. "$(dirname "$0")/test-lib.sh"

# drop_blank_tail: the input without its trailing empty lines.
drop_blank_tail () {
	awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--;
		for (i = 1; i <= n; i++) print l[i] }'
}

test_expect_success 'README usage block = --help from the options on' '
	"$RR" --help | sed -n "/^  --/,/^Endpoints/p" | sed "\$d" |
		drop_blank_tail >help &&
	sed -n "/^rerocctv \[options\]\$/,/^\`\`\`\$/p" "$TOP/README.md" |
		sed "1d;\$d" | drop_blank_tail >readme &&
	test_cmp help readme
'

test_done
