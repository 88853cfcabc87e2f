#!/bin/sh
# mutants.sh (make mutants): plants one realistic bug at a time in the
# source, rebuilds, runs the tests that should notice, and restores the
# file. Every mutant must be caught (a test fails); one that survives is a
# hole in the tests. Needs a clean tree for the files it touches.
#
#	sh tests/mutants.sh [NAME-PATTERN]
cd "$(dirname "$0")/.." || exit 1
only=${1:-*}
caught=0 survived=0 broken=0 results=

# mutant NAME FILE FROM TO TESTS: replaces the first FROM (a literal
# string, one line) in FILE by TO, and expects the tests TESTS (RR_TESTS
# patterns) to fail. A bug that two defences stand against takes both
# away: "also FILE FROM TO" just before adds a second change to the next
# mutant.
also_file= also_from= also_to=
also () {
	also_file=$1 also_from=$2 also_to=$3
}
# plant FILE FROM TO: makes the change, keeping FILE.orig; fails if FROM
# is not there.
plant () {
	test -f "$1.orig" || cp "$1" "$1.orig" || exit 1
	cp "$1" "$1.pre" &&
	FROM=$2 TO=$3 perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$1" &&
	! cmp -s "$1" "$1.pre"
	p_=$?
	rm -f "$1.pre"
	return $p_
}
unplant () {
	mv "$1.orig" "$1"
	touch "$1"	# newer than the mutant's objects: make rebuilds
}
mutant () {
	m_also=$also_file
	also_file=
	case $1 in $only) ;; *) return 0 ;; esac
	if ! plant "$2" "$3" "$4" ||
	   { test -n "$m_also" && ! plant "$m_also" "$also_from" "$also_to"; }
	then
		echo "BROKEN $1: a change is not found in $2 $m_also"
		broken=$((broken + 1))
	elif ! make -s rerocctv $units >/dev/null 2>&1
	then
		echo "BROKEN $1: does not build"
		broken=$((broken + 1))
	elif RR_TESTS=$5 sh tests/run.sh >"build/mutant-$1.log" 2>&1
	then
		echo "SURVIVED $1 ($5)"
		survived=$((survived + 1))
	else
		echo "caught $1 by $(grep -m 1 "^FAIL" "build/mutant-$1.log" |
			cut -d" " -f2)"
		caught=$((caught + 1))
	fi
	test ! -f "$2.orig" || unplant "$2"
	test -z "$m_also" || test ! -f "$m_also.orig" || unplant "$m_also"
}

# The unit tests a mutant may be caught by are built with the server.
units='tests/unit-http tests/unit-adapt tests/unit-auth tests/unit-json
	tests/unit-budget tests/unit-mailbox tests/unit-access tests/unit-share'
mkdir -p build
# At the end the sources are put back and built again: the last mutant's
# binary must not stay behind as ./rerocctv.
trap 'for f in *.c.orig; do test -f "$f" && mv "$f" "${f%.orig}"; done
	make -s rerocctv $units >/dev/null 2>&1' EXIT

mutant origin-prefix access.c \
	'if (olen == 7 + hlen && strncasecmp(o, "http://", 7) == 0 &&' \
	'if (olen >= 7 + hlen && strncasecmp(o, "http://", 7) == 0 &&' \
	'unit-access t2000*'
mutant encode-unwatched hub.c \
	'if (!h->active[r]) {' 'if (0) {' 't2200*'
mutant keep-older-frame conn.c \
	'struct conn_msg *slot = &c->msg[c->msg[0].used && c->msg[0].off ? 1 : 0];' \
	'struct conn_msg *slot = &c->msg[c->msg[0].used && c->msg[0].off ? 1 : 0]; if (slot->used) { c->msgs_replaced++; if (m->release) m->release(m->owner); return; }' \
	't2100*'
mutant stall-never conn.c \
	'logmsg("%s: output stalled for %d s, closing", c->peer.text,' \
	'return CONN_OK; logmsg("%s: output stalled for %d s, closing", c->peer.text,' \
	't1200*'
mutant close-stays-open conn.c \
	'	if (c->after == AFTER_CLOSE)
		return linger(c);' \
	'	if (0)
		return linger(c);' \
	't1200*'
mutant header-no-colon http.c \
	"if (i == 0 || i == n || s[i] != ':')" \
	"if (i == 0 || (i < n && s[i] != ':'))" \
	'unit-http'
mutant adapt-flip adapt.c \
	'a->backoff = MIN(a->backoff * 2, BACKOFF_MAX);' \
	'a->backoff = BACKOFF_MIN;' 'unit-adapt'
mutant per-ip-ignored admit.c \
	'if (key && same >= s->cfg.max_per_ip) {' 'if (0) {' 't2200*'
mutant evict-newest admit.c \
	'c->serial < e->conns[old_same]->serial))' \
	'c->serial > e->conns[old_same]->serial))' 't2200*'
# A stream's input is read however far its frames are backed up: one
# pong pending at most is what bounds a ping flood.
mutant every-pong-queued stream.c \
	'if (!st->pong_due || st->close_sent || obuf_pending(&c->out))' \
	'if (!st->pong_due || st->close_sent)' 't2200*'
mutant no-408 conn.c \
	'		conn_error(c, 408, "request head not received in time", NULL);
		return CONN_OK;' \
	'		return CONN_OVER;' 't1000* t1200*'
mutant v1-errors-unlimited stream.c \
	'if (st->errs++ >= ERR_PER_S)' 'if (st->errs++ < 0)' 't2200*'
# The snapshot's stream kept after its answer, and a rung offered to a
# connection no longer waiting: either alone is harmless.
also stream.c 'if (st->kind == ST_SNAPSHOT && c->phase != PH_WAIT)' \
	'if (0)'
mutant snapshot-twice stream.c \
	'	stream_end(c);
	conn_begin(c, 200, AFTER_NEXT);' \
	'	conn_begin(c, 200, AFTER_NEXT);' 't1200*'
mutant rungs-unbounded budget.c \
	'return n < b->max_rungs;' 'return 1;' 'unit-budget t2200*'
mutant budget-never-cut budget.c \
	'b->cap_ms = MIN(b->cap_ms, cap);' '(void)cap;' 'unit-budget t2300*'
mutant no-percent-decoding route.c \
	'n = http_decode_path(r, path, sizeof(path));' \
	'n = (int)r->path_len; memcpy(path, r->path, r->path_len); path[n] = 0;' \
	't1200*'
mutant http10-keepalive conn.c \
	'http_has_token_all(r, "Connection", "keep-alive");' '1;' 't1200*'
mutant stall-clock-frozen conn.c \
	'if (progress || !c->deadline)' 'if (!c->deadline)' 't1200*'
mutant ping-never stream.c \
	'if (ws_send(c, WS_PING, "rerocctv", 8) != 0)' \
	'if (0 && ws_send(c, WS_PING, "rerocctv", 8) != 0)' 't1200*'
mutant watchdog-late server.c \
	'MIN(s->next_tick, notify_due(&s->notify))' 's->next_tick' 't0500*'
mutant stopping-unsaid server.c \
	'notify_send(&s->notify, "STOPPING=1");' ';' 't0500*'
# Access.
mutant host-any access.c \
	'return is_address(h, n) || our_name(cfg, h, n);' \
	'return 1 || is_address(h, n) || our_name(cfg, h, n);' \
	'unit-access t1300*'
mutant share-unsigned share.c \
	'if (!ct_equal(want + SIGNED, t + SIGNED, SHARE_BYTES - SIGNED) ||' \
	'if (0 ||' 'unit-share t1300*'
mutant csrf-open access.c \
	'if ((a->flags & ACC_CHANGES) && foreign(a->cfg, r)) {' \
	'if ((a->flags & ACC_CHANGES) && foreign(a->cfg, r) && 0) {' \
	'unit-access t1300*'
mutant viewer-is-admin access.c \
	'if ((int)v->who.role >= (int)a->need) {' \
	'if ((int)v->who.role + 1 >= (int)a->need) {' 'unit-access t1300*'
mutant form-is-json access.c \
	"(n == 16 || t[16] == ';' || t[16] == ' ');" '1;' 'unit-access t1300*'
mutant proxy-first-forwarded access.c \
	"for (i = n; i > 0 && v[i - 1] != ','; i--)" 'for (i = 0; 0;)' \
	'unit-access t1400*'
mutant logout-noop auth.c \
	'	if (s)
		memset(s, 0, sizeof(*s));' \
	'	if (s)
		(void)s;' 't1300*'
mutant unknown-user-fast auth.c \
	'pbkdf2_sha256(j->pass, j->plen, j->salt, ACCOUNT_SALT, j->iter,' \
	'if (j->known) pbkdf2_sha256(j->pass, j->plen, j->salt, ACCOUNT_SALT, j->iter,' \
	't1300*'
mutant no-slowdown auth.c \
	'if ((*retry = guess_slowed(&a->guesses, from, name, now)) != 0)' \
	'if ((*retry = guess_slowed(&a->guesses, from, name, now)) != 0 && 0)' \
	't1300*'
# The edges of the access path.
mutant sessions-uncapped session.c \
	'if (mine >= AUTH_USER_SESSIONS)' 'if (0)' 'unit-auth t1350*'
mutant sessions-anyones session.c \
	'	if (!s)
		return -1;
	if (random_bytes' \
	'	if (!s)
		s = oldest ? oldest : &t->slot[0];
	if (random_bytes' 'unit-auth'
mutant session-forever session.c \
	'return s->expires > now && s->gen == gen;' \
	'return (s->expires || now) && s->gen == gen;' 'unit-auth'
mutant login-verdict-kept auth.c \
	'if (v != V_PENDING && e->once)' 'if (0)' 't1350*'
mutant success-clears-user guess.c \
	'		else if (one)
			memset(one, 0, sizeof(*one));' \
	'		for (int k = 0; k < GUESS_N; k++)
			if (!memcmp(g->fails[k].key, from->key, 16))
				memset(&g->fails[k], 0, sizeof(g->fails[k]));' 't1350*'
mutant success-clears-everyone guess.c \
	'		else if (one)
			memset(one, 0, sizeof(*one));' \
	'		else
			memset(g->fails, 0, sizeof(g->fails));' \
	'unit-auth t1350*'
mutant forget-oldest-offender guess.c \
	'		if (!least || f->count < least->count ||' \
	'		if (!least || f->last < least->last || 0 ||' 'unit-auth'
mutant ipv6-whole-address util.c \
	'memcpy(key, b, memcmp(b, mapped, 12) == 0 ? 16 : 8);' \
	'memcpy(key, b, 16);' 'unit-auth t1350*'
also auth.c '	guess_charge(&a->guesses, from, name, now);
	a->checks++;' '	a->checks++;'
mutant charged-when-back guess.c \
	'	if (end != GUESS_BAD) {' \
	'	if (end == GUESS_BAD)
		guess_charge(g, from, user, now);
	if (end != GUESS_BAD) {' 't1350*'
also auth.c 'if (e->until && e->gen == a->gen &&' 'if (e->until &&'
mutant reload-settles-stale auth.c \
	'int stale = j.gen != a->gen;' 'int stale = 0;' 't1350*'
mutant proxy-limits-itself admit.c \
	'return s->cfg.trust_proxy && strcmp(p->addr, s->cfg.trust_proxy) == 0;' \
	'return 0 && p && s->cfg.trust_proxy;' 't1350*'
mutant file-anyones account.c \
	'if (!trusted_owner(st.st_uid)) {
		snprintf(err, errsz, "%s: belongs' \
	'if (0) {
		snprintf(err, errsz, "%s: belongs' 't1350*'
mutant dir-open account.c \
	'if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)) {' 'if (0) {' \
	't1350*'
mutant group-readable account.c 'if (st.st_mode & 077) {' \
	'if (st.st_mode & 007) {' 't1350*'
mutant iterations-constant auth.c 'j.iter = u->iter;' \
	'j.iter = AUTH_ITERATIONS;' 't1350*'
mutant passwd-follows-links account.c '	fd = mkstemp(tmp);' \
	'	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);' \
	't1350*'
also account.c 'if (strlen(pass) >= ACCOUNT_PASS_MAX) {' 'if (0) {'
mutant password-cut rerocctv.c \
	'if (strcspn(pw, "\r\n") >= ACCOUNT_PASS_MAX ||' 'if (0 &&' 't1350*'
mutant json-bad-hex json.c '			return -1;	/* every one of the four a digit */' \
	'			d = 0;' 'unit-json t1350*'
mutant burst-evicts-fresh admit.c \
	'		return s->env.now - c->since >= grace;' '		return 1;' \
	't2200*'
mutant refused-silently admit.c \
	'	stream_end(c);
	c->rejected = 1;' \
	'	s->dead[i] = 1;
	return;
	stream_end(c);
	c->rejected = 1;' 't2200*'
mutant per-ip-default-small options.c 'o->srv.max_per_ip = 64;' \
	'o->srv.max_per_ip = 32;' 't2200*'
mutant rungs-per-ip-open stream.c 'if (!cap || rung < 0)' \
	'if (1 || !cap || rung < 0)' 't2200*'
also pool.c \
	'		snprintf(h->st.budget_why, sizeof(h->st.budget_why), "%s",' \
	'		if (0) snprintf(h->st.budget_why, sizeof(h->st.budget_why), "%s",'
mutant budget-reason-stale pool.c \
	'		snprintf(p->hubs[i]->st.budget_why,' \
	'		if (0) snprintf(p->hubs[i]->st.budget_why,' 't2200*'
mutant unwatched-kept hub.c '			drop[r] = h->latest[r];
			h->latest[r] = NULL;' '			drop[r] = NULL;' 't2200*'
mutant framed-anywhere page.c "\"frame-ancestors 'none'\\r\\n\"" \
	"\"frame-ancestors *\\r\\n\"" 't4000*'
mutant host-prefix access.c \
	'return len == n && strncasecmp(h, name, n) == 0;' \
	'return len <= n && strncasecmp(h, name, len) == 0;' 'unit-access t1300*'
mutant share-any-version share.c '	if (t[0] == 1) {' '	if (t[0] != 2) {' \
	'unit-share t1300*'
mutant share-camera-unsigned share.c \
	'sh->camera = (uint32_t)get_be(t + 12, 4);' 'sh->camera = 0;' \
	'unit-share'
mutant camera-unchecked access.c \
	'if (a->camera && !auth_may_see(&v->who, a->camera)) {' \
	'if (0 && a->camera) {' 'unit-access'
mutant tag-without-cameras account.c \
	'	for (i = 0; i < u->cams.n; i++)
		sha256_update' '	for (i = 0; 0; i++)
		sha256_update' 'unit-auth t1300*'
mutant verdict-forgets-cameras auth.c '	e->cams = u->cams;' '' 'unit-auth'
mutant session-forgets-cameras session.c '	s->cams = w->cams;' '' \
	'unit-auth'
mutant share-every-camera auth.c '	w->cam_tag = sh->camera;' '' \
	'unit-auth unit-access'
mutant share-source-uncapped stream.c \
	'	if (rung == RUNG_SOURCE)
		return st->max_rung;' '' 't1300*'
mutant share-quality-over-95 api.c 'max_q > RUNG_QMAX))) {' \
	'max_q > 100))) {' 't1300*'
mutant close-code-not-echoed stream.c \
	'WS_CLOSE_NORMAL : f->close_code, NULL);' \
	'WS_CLOSE_NORMAL : WS_CLOSE_NORMAL, NULL);' 't2000*'
mutant controls-step-unchecked ctrl.c \
	'if (((int64_t)v - k->min) % step == 0)' 'if (1)' 't3100*'
mutant controls-not-put-back ctrl_state.c \
	'if (set_all(src, back, m, berr) != 0)' \
	'if (m < 0 && set_all(src, back, m, berr) != 0)' 't3100*'
mutant controls-unbounded ctrl_state.c \
	'NJOBS = 8,' 'NJOBS = 64,' 't3100*'
mutant controls-not-kept ctrl_state.c \
	'keep(ctl, j->p, j->n);' 'if (!j) keep(ctl, j->p, j->n);' 't3100*'

# The middle: one mailbox, a pure budget.
mutant budget-backoff-flat budget.c \
	'			b->backoff = MIN(b->backoff * 2, BACKOFF_MAX_S);' \
	'			b->backoff = BACKOFF_MIN_S;' 'unit-budget'
mutant budget-not-strict budget.c \
	'		if (a[next].cost_ms > 0 && (full || !fits(b, on, used,' \
	'		if (a[next].cost_ms > 0 && (0 || !fits(b, on, used,' \
	'unit-budget'
mutant budget-drift-churns budget.c \
	'	return n == 0 || used + c <= b->cap_ms * (was ? KEEP_OVER : 1);' \
	'	return n == 0 || used + c <= b->cap_ms * (was ? 1 : 1);' \
	'unit-budget'
mutant mailbox-oldest-last mailbox.c \
	'			    (!s || mb->slots[i].order < s->order))' \
	'			    (!s || mb->slots[i].order > s->order))' \
	'unit-mailbox'
mutant mailbox-answers-lost mailbox.c '			s->state = DONE;' \
	'			s->state = FREE;' 'unit-mailbox unit-auth t3100*'

# Adaptation on real links.
mutant input-unread-when-backed-up conn.c \
	'(c->phase == PH_STREAM || conn_backlog(c) <= CONN_BACKLOG)' \
	'(conn_backlog(c) <= CONN_BACKLOG)' 't2100*'
mutant pong-never-late stream.c \
	'(st->tk_acked <= st->ping_acked || wait > 3 * stall)' \
	'(1 || wait > 3 * stall)' 't1200*'
mutant pong-late-forever stream.c \
	'(st->tk_acked <= st->ping_acked || wait > 3 * stall)' \
	'(st->tk_acked <= st->ping_acked)' 't1200*'
mutant unpaced conn.c '	if (p->rate <= 0 || ioctl(c->fd, TIOCOUTQ, &queued) != 0)' \
	'	if (1 || ioctl(c->fd, TIOCOUTQ, &queued) != 0)' 't5300*'
mutant estimate-no-memory adapt.c \
	'	for (i = 0, a->cap_bps = 0; i < a->nseen; i++)' \
	'	for (i = 0, a->cap_bps = 0; i < 1; i++)' 'unit-adapt'
mutant no-leap adapt.c \
	'			target = MAX(target, fit(o, LEAP * o->bytes * 8 /' \
	'			target = MAX(target, 0 * fit(o, LEAP * o->bytes * 8 /' \
	'unit-adapt'
mutant acks-burst-trusted adapt.c '		s = MIN(s, GROW * a->cap_bps);' ';' \
	'unit-adapt'
mutant silence-measures adapt.c \
	'	if (o->ack_ms > o->secs * 1000 && a->cap_bps > 0)' \
	'	if (0)' 'unit-adapt'
mutant no-quarter hub.c \
	'		scales = MAX(scales, rung_scale(h->job[i]) + 1);' \
	'		scales = MAX(scales, MIN(1, rung_scale(h->job[i])) + 1);' \
	't2100*'
mutant rounds-ignore-camera budget.c \
	'		round += a[k].cam == a[i].cam && a[k].cost_ms > 0 &&' \
	'		round += a[k].cost_ms > 0 &&' 'unit-budget'
mutant last-rung-merged budget.c \
	'		if (a[next].cost_ms > 0 && key[next] >> 40 && (full ||' \
	'		if (a[next].cost_ms > 0 && (full ||' 'unit-budget t2310*'
mutant camera-not-asked route.c \
	'	a.camera = rt->camera ? c->rq->cam->name : NULL;' \
	'	a.camera = NULL;' 't2410*'
mutant frames-to-every-camera server.c \
	'		if (s->dead[i] || !c->st || c->st->cam != cam ||' \
	'		if (s->dead[i] || !c->st ||' 't2400*'
mutant camera-prefix-ignored route.c \
	'	rt = find_route(&q, http_method_is(r, "POST"), &bad);' \
	'	q.cam = NULL; rt = find_route(&q, http_method_is(r, "POST"), &bad);' \
	't2400*'

echo "$caught caught, $survived survived, $broken broken"
test $survived = 0 && test $broken = 0
