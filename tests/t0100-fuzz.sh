#!/bin/sh
test_description='a short run of every libFuzzer target (make fuzz) over its
corpus: the parsers, and the whole connection path'
. "$(dirname "$0")/test-lib.sh"

SECS=${RR_FUZZ_SECS:-4}
test -x "$TESTS_DIR/fuzz-server" ||
	test_skip_all "no fuzzers built (make fuzz needs clang)"

for f in http ws server
do
	test_expect_success "fuzz-$f: $SECS s without a finding" "
		mkdir -p corpus-$f &&
		cp \"$TESTS_DIR/corpus/$f\"/* corpus-$f/ &&
		\"$TESTS_DIR/fuzz-$f\" -max_total_time=$SECS -timeout=10 \
			-rss_limit_mb=1024 -print_final_stats=1 corpus-$f \
			>fuzz.log 2>&1;
		st=\$?;
		grep -E 'stat::number_of_executed_units|cov:' fuzz.log | tail -n 2;
		test \$st = 0
	"
done

test_done
