#!/bin/sh
test_description='the documents hold together: every relative link in
README.md, doc/*.md, tests/README, bench/README.md and bench/results/*.md
names a file that exists (and a #heading in it), every results file names
its machine, date and command, and the README'"'"'s quick start is commands
that exist'
. "$(dirname "$0")/test-lib.sh"

DOCS="README.md doc/*.md tests/README bench/README.md bench/results/*.md"

# links FILE...: "FILE TARGET" for each Markdown link [text](TARGET) and
# image ![alt](TARGET) outside fenced code blocks, titles dropped.
links () {
	LC_ALL=C awk '
		FNR == 1 { fence = 0 }
		/^[ \t]*```/ { fence = !fence; next }
		fence { next }
		{
			s = $0
			while (match(s, /\]\([^) \t]+/)) {
				print FILENAME, substr(s, RSTART + 2, RLENGTH - 2)
				s = substr(s, RSTART + RLENGTH)
			}
		}' "$@"
}

# anchors FILE: the anchors its headings make, as GitHub makes them:
# lower case, punctuation dropped (but - and _), spaces made -, a
# repeated one suffixed -1, -2...
anchors () {
	LC_ALL=C awk '
		/^[ \t]*```/ { fence = !fence; next }
		fence || !/^#+ / { next }
		{
			h = tolower($0)
			sub(/^#+ +/, "", h)
			sub(/ +#* *$/, "", h)
			a = ""
			for (i = 1; i <= length(h); i++) {
				c = substr(h, i, 1)
				if (c ~ /[a-z0-9_-]/ || c > "~")
					a = a c
				else if (c == " ")
					a = a "-"
			}
			if (a in seen)
				print a "-" seen[a]++
			else {
				print a
				seen[a] = 1
			}
		}' "$1"
}

test_expect_success 'the documents are there' '
	cd "$TOP" &&
	for f in $DOCS
	do
		test -s "$f" || { echo "no $f"; return 1; }
	done
'

test_expect_success 'every relative link names a file that exists' '
	(cd "$TOP" && links $DOCS) >links.txt &&
	test "$(wc -l <links.txt)" -ge 30 &&
	while read -r from to
	do
		case $to in
		[a-z]*:*|\#*) continue ;;
		esac
		path=${to%%#*}
		test -e "$TOP/$(dirname "$from")/$path" ||
			{ echo "$from: no $to"; return 1; }
	done <links.txt
'

test_expect_success 'every #anchor names a heading of its file' '
	while read -r from to
	do
		case $to in
		[a-z]*:*) continue ;;
		*\#*) ;;
		*) continue ;;
		esac
		path=${to%%#*} anchor=${to#*#}
		file=$TOP/$(dirname "$from")/$path
		test -n "$path" || file=$TOP/$from
		case $file in *.md|*/README) ;; *) continue ;; esac
		anchors "$file" | grep -qx -- "$anchor" ||
			{ echo "$from: no heading for $to"; return 1; }
	done <links.txt
'

test_expect_success 'every results file names its machine, date and command' '
	for f in "$TOP"/bench/results/*.md
	do
		date=$(basename "$f" | cut -c1-10) &&
		grep -q "$date" "$f" &&
		grep -q "^- Machine: " "$f" && grep -q "[0-9] cores" "$f" &&
		grep -q "make [a-z]\|tests/t[0-9]" "$f" ||
			{ echo "$f: no machine, date or command"; return 1; }
	done
'

test_expect_success 'bench/README.md tells of every bench target' '
	sed -n "s/^\(bench[a-z-]*\):.*/\1/p" "$TOP/Makefile" >targets &&
	test "$(wc -l <targets)" -ge 5 &&
	while read -r t
	do
		grep -q "^## \`make $t\`\$" "$TOP/bench/README.md" ||
			{ echo "bench/README.md: no section for make $t"; return 1; }
	done <targets
'

test_expect_success 'the quick start: its two commands, as the README gives them' '
	grep -qx "sh tests/deps.sh --build && make && ./rerocctv --source test" \
		"$TOP/README.md" &&
	grep -qx "sh tests/deps.sh && make check" "$TOP/README.md" &&
	grep -qx "make check" "$TOP/.ci/run" &&
	grep -qx "sh tests/deps.sh" "$TOP/.ci/run"
'

test_expect_success 'the quick start: tests/deps.sh, make and the option exist' '
	test -f "$TOP/tests/deps.sh" &&
	grep -q "\"\$1\" = --build" "$TOP/tests/deps.sh" &&
	make -C "$TOP" -n >make-n.out &&
	make -C "$TOP" -n check >make-n-check.out &&
	grep -q "tests/run.sh" make-n-check.out &&
	"$RR" --help | grep -q -- "--source v4l2|test"
'

test_done
