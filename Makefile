# rerocctv: plain make. `make`, `make check`, `make install PREFIX=...`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
# Warnings are errors only where asked: CI says WERROR=-Werror (.ci/run),
# a user's newer compiler with a new warning still builds.
WERROR ?=
WARN = -Wall -Wextra $(WERROR)
# Project flags live apart from CFLAGS so `make CFLAGS=-Os` keeps them.
RR_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L $(WARN) -pthread -MMD -MP
RR_LIBS = -ljpeg -lturbojpeg -lv4l2 -pthread
# Hardening by default (a camera server faces a network): fortified libc
# calls, stack canaries, a position-independent executable, read-only
# relocations resolved at start. `make HARDEN= HARDEN_LD=` turns it off.
HARDEN ?= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD ?= -pie -Wl,-z,relro,-z,now

SRC = rerocctv.c server.c admit.c conn.c route.c page.c api.c stream.c \
	path.c status.c auth.c session.c guess.c account.c share.c access.c json.c \
	http.c ws.c \
	sha1.c sha256.c base64.c obuf.c adapt.c hub.c jpeg.c mjpeg.c \
	source.c pattern.c capture.c capture_fmt.c ctrl.c ctrl_v4l2.c \
	ctrl_state.c ctrl_http.c util.c web.c frame.c ladder.c mailbox.c \
	budget.c camera.c options.c pool.c
SRC += notify.c
OBJ = $(SRC:.c=.o)
WEB = $(sort $(wildcard web/*))
UNITS = tests/unit-sha1 tests/unit-sha256 tests/unit-base64 tests/unit-ws \
	tests/unit-http tests/unit-mjpeg tests/unit-jpeg tests/unit-adapt \
	tests/unit-json tests/unit-share tests/unit-ctrl
UNITS += tests/unit-notify tests/unit-auth tests/unit-budget tests/unit-mailbox \
	tests/unit-access
TOOLS = tests/wsclient tests/hostile tests/fakecam.so tests/linkemu \
	tests/camgrab

ifeq ($(V),)
Q = @
QCC = @echo "  CC      $@";
QLD = @echo "  LD      $@";
QGEN = @echo "  GEN     $@";
endif

all: rerocctv

rerocctv: $(OBJ)
	$(QLD)$(CC) $(CFLAGS) $(HARDEN_LD) $(LDFLAGS) -o $@ $(OBJ) $(RR_LIBS)

%.o: %.c
	$(QCC)$(CC) $(RR_CFLAGS) $(HARDEN) $(CFLAGS) -c -o $@ $<

web.c: mkweb.sh $(WEB)
	$(QGEN)sh mkweb.sh $(WEB) > $@.tmp && mv $@.tmp $@

# Each unit test links only the pure modules it tests.
tests/unit-sha1: sha1.o
tests/unit-sha256: sha256.o
tests/unit-base64: base64.o
tests/unit-ws: ws.o sha1.o base64.o
tests/unit-http: http.o
tests/unit-json: json.o
tests/unit-ctrl: ctrl.o obuf.o
tests/unit-share: share.o sha256.o util.o
tests/unit-mjpeg: mjpeg.o
tests/unit-jpeg: jpeg.o
tests/unit-adapt: adapt.o ladder.o
tests/unit-budget: budget.o ladder.o
tests/unit-mailbox: mailbox.o
tests/unit-notify: notify.o util.o
# auth.c, with its sessions and guessing counts, on a clock of its own.
tests/unit-auth: auth.o session.o guess.o account.o camera.o share.o \
	sha256.o base64.o util.o mailbox.o
tests/unit-auth: RR_LIBS += -Wl,--wrap=now_us,--wrap=mono_us
tests/unit-access: access.o http.o auth.o session.o guess.o account.o \
	camera.o share.o sha256.o base64.o util.o mailbox.o
$(UNITS): %: %.c tests/unit.h
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(filter %.o,$^) $(RR_LIBS)

WSCLIENT_SRC = tests/wsclient.c tests/wsc-conn.c tests/wsc-stream.c \
	tests/wsc-load.c tests/wsc-trace.c tests/wsc-ws.c tests/wsc-http.c
tests/wsclient: $(WSCLIENT_SRC) tests/wsclient.h sha1.o base64.o
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ \
		$(filter-out %.h,$^) -lturbojpeg

tests/hostile: tests/hostile.c
	$(QLD)$(CC) $(RR_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

tests/linkemu: tests/linkemu.c
	$(QLD)$(CC) $(RR_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

tests/fakecam.so: tests/fakecam.c
	$(QLD)$(CC) $(RR_CFLAGS) -fPIC -shared $(CFLAGS) $(LDFLAGS) -o $@ $< \
		-lturbojpeg -ldl -pthread

# fakecam.so's own test (t0150): several cameras at once, through libv4l2.
tests/camgrab: tests/camgrab.c
	$(QLD)$(CC) $(RR_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lv4l2 -pthread

# libFuzzer targets (clang): the parsers, and the whole connection path.
CLANG ?= clang
FUZZ_FLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L $(WARN) -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS = tests/fuzz-http tests/fuzz-ws tests/fuzz-server
tests/fuzz-http: http.c
tests/fuzz-ws: ws.c sha1.c base64.c
# fuzz-server is every module but main, the camera and the encoders: it
# stands in for the hub and its frames (hub.c, frame.c) and so needs none
# of what only they use. It runs on a clock and a log of its own: --wrap
# points the server's calls there.
FUZZ_SERVER_NOT = rerocctv.c options.c hub.c pool.c frame.c budget.c source.c pattern.c \
	capture.c capture_fmt.c ctrl_v4l2.c jpeg.c mjpeg.c
tests/fuzz-server: $(filter-out $(FUZZ_SERVER_NOT),$(SRC))
tests/fuzz-server: FUZZ_FLAGS += \
	-Wl,--wrap=mono_us,--wrap=now_us,--wrap=logmsg
$(FUZZERS): %: %.c
	$(QLD)$(CLANG) $(FUZZ_FLAGS) -I. -o $@ $< $(filter %.c,$(filter-out $<,$^)) -pthread
fuzz: $(FUZZERS)
# make check runs each fuzzer briefly when clang can build them.
HAVE_CLANG := $(shell command -v $(CLANG) >/dev/null 2>&1 && echo yes)
CHECK_FUZZ = $(if $(HAVE_CLANG),$(FUZZERS))

# Two test files at a time (RR_JOBS): they mostly wait on the clock.
check: rerocctv $(UNITS) $(TOOLS) $(CHECK_FUZZ)
	$(Q)RR_JOBS=$${RR_JOBS:-2} sh tests/run.sh

# The server with ASan + UBSan, and the integration tests that can run
# under it (not the browser and network-namespace ones); then valgrind
# over the HTTP and WebSocket tests.
ASAN_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
build/asan/rerocctv: $(SRC) $(wildcard *.h)
	$(Q)mkdir -p build/asan
	$(QLD)$(CC) $(RR_CFLAGS) $(ASAN_FLAGS) $(LDFLAGS) -o $@ $(SRC) $(RR_LIBS)
check-asan: build/asan/rerocctv $(TOOLS)
	$(Q)RR_BIN=$(CURDIR)/build/asan/rerocctv RR_MEMCHECK=1 \
	ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1 RR_TESTS='t1[0-3]* t20* t22* t24* t3*' \
	RR_JOBS=$${RR_JOBS:-2} sh tests/run.sh
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite
check-valgrind: rerocctv $(TOOLS)
	$(Q)RR_WRAP='$(VALGRIND)' RR_TESTS='t1000* t2000*' sh tests/run.sh

# Not part of check: ten minutes (RR_SOAK_SECS) of hostile and
# well-behaved clients against the ASan build.
soak: build/asan/rerocctv $(TOOLS)
	$(Q)RR_BIN=$(CURDIR)/build/asan/rerocctv RR_MEMCHECK=1 \
	ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=1:quarantine_size_mb=4 \
	RR_TEST_TIMEOUT=$$(( $${RR_SOAK_SECS:-600} + 300 )) \
	RR_TESTS='t9*' sh tests/run.sh && cat build/soak.txt

# Plants bugs one at a time; each must fail a test (slow: ~20 minutes).
mutants: rerocctv $(UNITS) $(TOOLS)
	$(Q)sh tests/mutants.sh

# Static binaries for the boards, and make dist: static.mk.
include static.mk

# Benchmarks, not part of check (bench/README.md). bench-links takes
# hours with everything: LK_TRACES, LK_CCS, LK_CASES, LK_SECS narrow it.
bench: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/run.sh
bench-auth: rerocctv tests/wsclient
	$(Q)sh bench/auth.sh
bench-links: rerocctv tests/wsclient tests/linkemu
	$(Q)sh bench/links.sh
bench-device: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/device.sh
bench-libc: tests/wsclient
	$(Q)sh bench/libc.sh
bench-adapt-cost: rerocctv tests/wsclient
	$(Q)sh bench/adapt-cost.sh
# 1000 MJPEG viewers of the camera: fps per viewer, the poll thread's cost;
# bench-profile: perf's view of the same.
bench-viewers: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/viewers.sh
bench-cameras: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/cameras.sh
bench-grid: rerocctv tests/fakecam.so
	$(Q)sh bench/grid.sh
bench-profile: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/profile.sh

# The unit names the binary where BINDIR puts it.
install: rerocctv
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 755 rerocctv $(DESTDIR)$(BINDIR)/rerocctv
	install -m 644 rerocctv.1 $(DESTDIR)$(MANDIR)/man1/rerocctv.1
	sed 's|/usr/local/bin/rerocctv|$(BINDIR)/rerocctv|' \
		contrib/rerocctv.service \
		>$(DESTDIR)$(SYSTEMDUNITDIR)/rerocctv.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/rerocctv.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rerocctv
	rm -f $(DESTDIR)$(MANDIR)/man1/rerocctv.1
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/rerocctv.service

clean:
	rm -f rerocctv web.c *.o *.d tests/*.o tests/*.d $(UNITS) $(TOOLS) \
		$(FUZZERS)
	rm -rf build tests/trash.*

.PHONY: all check check-asan check-valgrind fuzz soak mutants install \
	uninstall clean bench bench-auth bench-links bench-device bench-libc \
	bench-adapt-cost bench-viewers bench-profile bench-cameras \
	bench-grid
-include $(OBJ:.o=.d)
