# lib-browser.sh: the browser tests' needs: node, Chromium and
# playwright-core (the scripts themselves are tests/*.mjs). Sourced by
# test-lib.sh; POSIX sh.

# need_browser: skips the whole file without node, the Debian Chromium or
# playwright-core (tests/deps.sh installs all three; no test installs
# anything); sets CHROMIUM, and SHOTS for screenshots (RR_SHOTS=DIR keeps
# them, else they go with $TRASH).
need_browser () {
	CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
	command -v node >/dev/null 2>&1 ||
		test_skip_all 'node is not installed (sh tests/deps.sh)'
	test -x "$CHROMIUM" ||
		test_skip_all "$CHROMIUM is not installed (sh tests/deps.sh)"
	(cd "$TESTS_DIR" && node -e "require.resolve('playwright-core')") \
		>/dev/null 2>&1 ||
		test_skip_all 'playwright-core is missing (sh tests/deps.sh)'
	SHOTS=${RR_SHOTS:-$TRASH}
	export CHROMIUM SHOTS
}
