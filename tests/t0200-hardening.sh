#!/bin/sh
test_description='the binary is hardened: PIE, full RELRO, stack canaries,
fortified libc calls, a non-executable stack (what checksec looks at)'
. "$(dirname "$0")/test-lib.sh"

command -v readelf >/dev/null 2>&1 || test_skip_all 'readelf is missing'

test_expect_success 'PIE' '
	readelf -h "$RR" | grep "Type: *DYN" &&
	readelf -d "$RR" | grep "FLAGS_1.*PIE"
'

test_expect_success 'full RELRO: a RELRO segment, bound now' '
	readelf -l "$RR" | grep GNU_RELRO &&
	readelf -d "$RR" | grep -E "\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW"
'

test_expect_success 'stack canaries and fortified calls' '
	readelf -s --wide "$RR" >syms &&
	grep -q "__stack_chk_fail" syms &&
	grep -c "_chk@" syms >n &&
	test "$(cat n)" -ge 3
'

test_expect_success 'no executable stack, no writable and executable segment' '
	readelf -lW "$RR" | grep GNU_STACK | grep -v " RWE " &&
	! readelf -lW "$RR" | grep LOAD | grep -q " RWE "
'

test_done
