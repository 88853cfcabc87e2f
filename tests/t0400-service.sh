#!/bin/sh
test_description='contrib/rerocctv.service: systemd-analyze verify has
nothing to say about it (ExecStart pointed at the built binary), its
systemd-analyze security exposure is at most 2.0, the default file'"'"'s
examples are options the binary takes, make install and uninstall'
. "$(dirname "$0")/test-lib.sh"

command -v systemd-analyze >/dev/null 2>&1 ||
	test_skip_all 'systemd-analyze is missing (apt-get install systemd)'

UNIT=$TOP/contrib/rerocctv.service

test_expect_success 'the unit, pointed at the built binary' '
	grep -q "^ExecStart=/usr/local/bin/rerocctv " "$UNIT" &&
	mkdir -p unit man/man1 &&
	sed "s|/usr/local/bin/rerocctv|$RR|" "$UNIT" >unit/rerocctv.service &&
	grep -q "^ExecStart=$RR " unit/rerocctv.service &&
	cp "$TOP/rerocctv.1" man/man1/
'

# Documentation=man:rerocctv(1) is checked with man(1): our page.
test_expect_success 'systemd-analyze verify: no word about our unit' '
	MANPATH=$TRASH/man systemd-analyze verify --recursive-errors=no \
		unit/rerocctv.service >verify.out 2>&1 &&
	cat verify.out &&
	! grep -i rerocctv verify.out
'

test_expect_success 'systemd-analyze security: exposure at most 2.0' '
	systemd-analyze security --offline=true unit/rerocctv.service \
		>security.out 2>&1 &&
	score=$(sed -n "s/.*Overall exposure level for rerocctv.service: \([0-9][0-9.]*\).*/\1/p" security.out) &&
	test -n "$score" &&
	grep "✗" security.out &&
	awk -v s="$score" "BEGIN { exit !(s <= 2.0) }"
'
test -z "$score" || say "systemd-analyze security: exposure $score (at most 2.0)"

test_expect_success 'what the sandbox must keep: the camera, the notify socket' '
	grep -q "^Type=notify$" unit/rerocctv.service &&
	grep -q "^WatchdogSec=" unit/rerocctv.service &&
	grep -q "^DynamicUser=yes$" unit/rerocctv.service &&
	grep -q "^SupplementaryGroups=video$" unit/rerocctv.service &&
	grep -q "^DeviceAllow=char-video4linux rw$" unit/rerocctv.service &&
	grep -q "^RestrictAddressFamilies=.*AF_UNIX" unit/rerocctv.service &&
	grep -q "^LoadCredential=users:/etc/rerocctv/users$" unit/rerocctv.service &&
	grep -q -- "--auth-file \${CREDENTIALS_DIRECTORY}/users" unit/rerocctv.service
'

test_expect_success 'the default file: every example is options rerocctv takes' '
	sed -n "s/^#RERO_OPTS=\"\(.*\)\"$/\1/p" "$TOP/contrib/rerocctv.default" >examples &&
	test "$(wc -l <examples)" -ge 4 &&
	while read -r opts
	do
		"$RR" $opts --auth-file x --secret-file y --help >/dev/null ||
		return 1
	done <examples
'

test_expect_success 'make install and uninstall, DESTDIR and PREFIX kept' '
	make -s -C "$TOP" install DESTDIR="$TRASH/dest" PREFIX=/usr >install.out &&
	test -x dest/usr/bin/rerocctv &&
	test -f dest/usr/share/man/man1/rerocctv.1 &&
	test -f dest/usr/lib/systemd/system/rerocctv.service &&
	grep "^ExecStart=/usr/bin/rerocctv " dest/usr/lib/systemd/system/rerocctv.service &&
	make -s -C "$TOP" install DESTDIR="$TRASH/dest" PREFIX=/usr \
		SYSTEMDUNITDIR=/etc/systemd/system >>install.out &&
	test -f dest/etc/systemd/system/rerocctv.service &&
	make -s -C "$TOP" uninstall DESTDIR="$TRASH/dest" PREFIX=/usr &&
	make -s -C "$TOP" uninstall DESTDIR="$TRASH/dest" PREFIX=/usr \
		SYSTEMDUNITDIR=/etc/systemd/system &&
	test -z "$(find dest -type f)"
'

test_done
