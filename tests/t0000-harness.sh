#!/bin/sh
test_description='the test library itself: assertions, TAP, cleanup'
. "$(dirname "$0")/test-lib.sh"

# Runs stdin as a test script beside a copy of test-lib.sh in the trash.
run_sub () {
	mkdir -p "$TRASH/sub" &&
	cp "$TESTS_DIR/test-lib.sh" "$TRASH/sub/" &&
	cat >"$TRASH/sub/t0000-sub-$1.sh" &&
	(sh "$TRASH/sub/t0000-sub-$1.sh" >out 2>err; echo $? >status)
}

test_expect_success 'test_cmp accepts equal files, rejects different' '
	printf "a\nb\n" >one && printf "a\nb\n" >two && printf "a\nc\n" >three &&
	test_cmp one two &&
	test_must_fail test_cmp one three
'

test_expect_success 'test_must_fail wants a normal failure' '
	test_must_fail false &&
	test_must_fail sh -c "exit 3" &&
	! test_must_fail true &&
	! test_must_fail sh -c "kill -SEGV \$\$" &&
	! test_must_fail no-such-command-xyz
'

test_expect_success 'kv prints a value from key=value words' '
	echo "clients=3 fps=29.5 lat_p50=12.1" >line &&
	test "$(kv fps <line)" = 29.5 &&
	test "$(kv clients <line)" = 3 &&
	test "$(echo "q=1 qq=2" | kv q)" = 1 &&
	test_must_fail kv nosuch <line
'

test_expect_success 'variables set in one test are seen by the next' '
	carried=yes
'
test_expect_success '... like this' '
	test "$carried" = yes
'

test_expect_success 'tests run inside the trash directory' '
	test "$(pwd)" = "$TRASH" &&
	test "$TRASH" = "$TESTS_DIR/trash.t0000-harness" &&
	test -f "$TOP/tests/test-lib.sh"
'

test_expect_success 'a failing test is reported and fails the file' '
	run_sub fail <<-\SUB &&
	test_description=sub
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "good" "true"
	test_expect_success "bad" "echo some-output; false"
	test_done
	SUB
	test "$(cat status)" = 1 &&
	printf "ok 1 - good\nnot ok 2 - bad\n" >expect &&
	grep "^n*o*t* *ok" out >actual &&
	test_cmp expect actual &&
	grep "^# some-output" out &&
	grep "^1\.\.2$" out
'

test_expect_success 'a passing file exits 0 and removes its trash' '
	run_sub pass <<-\SUB &&
	test_description=sub
	. "$(dirname "$0")/test-lib.sh"
	test_expect_success "good" "echo x >file"
	test_done
	SUB
	test "$(cat status)" = 0 &&
	printf "ok 1 - good\n1..1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'test_atexit runs cleanups last-in first-out, even on failure' '
	run_sub atexit <<-SUB &&
	test_description=sub
	. "\$(dirname "\$0")/test-lib.sh"
	test_atexit "echo first >>\"$TRASH/order\""
	test_atexit "echo second >>\"$TRASH/order\""
	test_expect_success "bad" "false"
	test_done
	SUB
	test "$(cat status)" = 1 &&
	printf "second\nfirst\n" >expect &&
	test_cmp expect order
'

test_expect_success 'a failing cleanup fails the file' '
	run_sub cleanup <<-\SUB &&
	test_description=sub
	. "$(dirname "$0")/test-lib.sh"
	test_atexit false
	test_expect_success "good" "true"
	test_done
	SUB
	test "$(cat status)" = 1 &&
	grep "^not ok 2 - cleanup at exit" out
'

test_expect_success 'a script dying before test_done fails and cleans up' '
	run_sub die <<-SUB &&
	test_description=sub
	. "\$(dirname "\$0")/test-lib.sh"
	test_atexit "echo cleaned >\"$TRASH/died\""
	exit 0
	SUB
	test "$(cat status)" = 1 &&
	grep cleaned died
'

test_expect_success 'test_skip_all prints a TAP skip plan' '
	run_sub skip <<-\SUB &&
	test_description=sub
	. "$(dirname "$0")/test-lib.sh"
	test_skip_all "no camera here"
	SUB
	test "$(cat status)" = 0 &&
	echo "1..0 # SKIP no camera here" >expect &&
	test_cmp expect out
'

test_expect_success 'start_server waits for the readiness line and stops it' '
	cat >fake-rr <<-\SUB &&
	#!/bin/sh
	trap "echo bye; exit 0" TERM
	sleep 0.2
	echo "listening on 127.0.0.1:4242" >&2
	while :; do sleep 0.05; done
	SUB
	chmod +x fake-rr &&
	RR=$TRASH/fake-rr &&
	start_server --source test &&
	test "$PORT" = 4242 &&
	test "$BASE" = http://127.0.0.1:4242 &&
	test "$WSBASE" = ws://127.0.0.1:4242 &&
	kill -0 $SERVER_PID &&
	stop_server &&
	grep bye server.log
'

test_expect_success 'a bare wait does not wait for the server' '
	RR=$TRASH/fake-rr &&
	start_server &&
	{ true & } &&
	wait &&
	kill -0 $SERVER_PID &&
	stop_server
'

test_expect_success 'stop_server kills a server that ignores SIGTERM, and fails' '
	cat >deaf-rr <<-\SUB &&
	#!/bin/sh
	trap "" TERM
	echo "listening on 127.0.0.1:4244" >&2
	while :; do sleep 0.05; done
	SUB
	chmod +x deaf-rr &&
	RR=$TRASH/deaf-rr &&
	start_server &&
	pid=$SERVER_PID &&
	test_must_fail stop_server 2>err &&
	grep "was killed" err &&
	! kill -0 $pid
'

test_expect_success 'stop_server fails when the server exits non-zero' '
	cat >bad-rr <<-\SUB &&
	#!/bin/sh
	trap "exit 3" TERM
	echo "listening on 127.0.0.1:4243" >&2
	while :; do sleep 0.05; done
	SUB
	chmod +x bad-rr &&
	RR=$TRASH/bad-rr &&
	start_server &&
	test_must_fail stop_server
'

test_expect_success 'start_server fails when the server dies early' '
	printf "#!/bin/sh\necho no such camera >&2\nexit 1\n" >dead-rr &&
	chmod +x dead-rr &&
	RR=$TRASH/dead-rr &&
	test_must_fail start_server 2>err &&
	grep "no such camera" err
'

test_done
