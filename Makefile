# rerocctv: plain make. `make`, `make check`, `make install PREFIX=...`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
# Project flags live apart from CFLAGS so `make CFLAGS=-Os` keeps them.
RR_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-pthread -MMD -MP
RR_LIBS = -ljpeg -lturbojpeg -lv4l2 -pthread
# Hardening by default (a camera server faces a network): fortified libc
# calls, stack canaries, a position-independent executable, read-only
# relocations resolved at start. `make HARDEN= HARDEN_LD=` turns it off.
HARDEN ?= -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD ?= -pie -Wl,-z,relro,-z,now

SRC = rerocctv.c server.c conn.c route.c stream.c status.c auth.c \
	account.c share.c access.c json.c http.c ws.c \
	sha1.c sha256.c base64.c obuf.c adapt.c hub.c jpeg.c mjpeg.c \
	source.c pattern.c capture.c camctl.c ctrl.c controls.c util.c web.c \
	frame.c ladder.c mailbox.c budget.c
SRC += notify.c
OBJ = $(SRC:.c=.o)
WEB = $(sort $(wildcard web/*))
UNITS = tests/unit-sha1 tests/unit-sha256 tests/unit-base64 tests/unit-ws \
	tests/unit-http tests/unit-mjpeg tests/unit-jpeg tests/unit-adapt \
	tests/unit-json tests/unit-share tests/unit-ctrl
UNITS += tests/unit-notify tests/unit-auth tests/unit-budget tests/unit-mailbox
TOOLS = tests/wsclient tests/hostile tests/fakecam.so tests/linkemu

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
# auth.c on a clock of its own.
tests/unit-auth: auth.o account.o share.o sha256.o base64.o util.o mailbox.o
tests/unit-auth: RR_LIBS += -Wl,--wrap=now_us,--wrap=mono_us
$(UNITS): %: %.c tests/unit.h
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(filter %.o,$^) $(RR_LIBS)

tests/wsclient: tests/wsclient.c sha1.o base64.o
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ $^ -lturbojpeg

tests/hostile: tests/hostile.c
	$(QLD)$(CC) $(RR_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

tests/linkemu: tests/linkemu.c
	$(QLD)$(CC) $(RR_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

tests/fakecam.so: tests/fakecam.c
	$(QLD)$(CC) $(RR_CFLAGS) -fPIC -shared $(CFLAGS) $(LDFLAGS) -o $@ $< \
		-lturbojpeg -ldl -pthread

# libFuzzer targets (clang): the parsers, and the whole connection path.
CLANG ?= clang
FUZZ_FLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZERS = tests/fuzz-http tests/fuzz-ws tests/fuzz-server
tests/fuzz-http: http.c
tests/fuzz-ws: ws.c sha1.c base64.c
# fuzz-server runs on a clock and a log of its own: --wrap points the
# server's calls there.
tests/fuzz-server: server.c conn.c route.c stream.c status.c access.c \
	auth.c account.c share.c json.c http.c ws.c sha1.c sha256.c \
	base64.c obuf.c adapt.c util.c web.c controls.c ctrl.c ladder.c mailbox.c
tests/fuzz-server: notify.c
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
	UBSAN_OPTIONS=print_stacktrace=1 RR_TESTS='t1[0-3]* t20* t22* t3*' \
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

# Static binaries for the boards (README, Boards). `make static` links
# build/ARCH/rerocctv, which needs no shared library; CROSS=aarch64-linux-gnu-
# or CROSS=arm-linux-gnueabihf- builds it with Debian's cross compiler and
# the multiarch libraries (tests/deps.sh). web.c is made on this machine.
# `make dist`: the three, stripped, in dist/ with SHA256SUMS.
CROSS ?=
SCC = $(if $(CROSS),$(CROSS)gcc,$(CC))
STARGET := $(shell $(SCC) -dumpmachine 2>/dev/null)
SARCH = $(if $(filter arm-linux-gnueabihf,$(STARGET)),armhf,$(firstword \
	$(subst -, ,$(STARGET))))
# Another C library than the architecture's own (SLIBC, below) builds
# apart, in build/ARCH-LIBC: objects made for one never link with the other.
SDIR = build/$(SARCH)$(if $(filter-out $(SLIBC_OWN),$(SLIBC)),-$(SLIBC))
SOBJ = $(addprefix $(SDIR)/,$(OBJ)) $(SDIR)/static.o
# static-pie keeps PIE's randomised addresses where the C library offers it
# (rcrt1.o: x86_64, aarch64); armhf's gets plain -static. Sections per
# function let the linker drop what nothing calls. libturbojpeg.a carries
# the libjpeg API too: one copy of the codec, no libjpeg.a. static.c keeps
# the binary from loading shared objects (libv4l2 plugins, NSS modules).
#
# The C library: musl (Debian's musl-dev:ARCH) for x86_64 and aarch64,
# where glibc's static libc is 0.7-1 MB of the binary (locales, iconv,
# NSS, static dlopen) and musl's 0.1 MB; glibc for armhf, because musl
# 1.2 has a 64-bit time_t on 32-bit ARM and Debian's libv4l2.a, built
# for glibc's 32-bit one, would disagree with it on struct v4l2_buffer.
# `make static SLIBC=glibc` links glibc everywhere, into build/ARCH-glibc
# (its linker warnings about getaddrinfo and getpwuid_r are expected:
# static.c answers them). A musl build sees musl's headers, the
# compiler's own, and from the system only what build/ARCH/inc links: the
# kernel's (linux, asm, asm-generic) and the libjpeg-turbo and libv4l
# headers; and of the libraries, only the archives build/ARCH/lib links.
SLIBC_OWN = $(if $(filter armhf,$(SARCH)),glibc,musl)
SLIBC ?= $(SLIBC_OWN)
STATIC_CFLAGS = -ffunction-sections -fdata-sections
STATIC_LIBS = -lv4l2 -lv4lconvert -lturbojpeg -lm
ifeq ($(SLIBC),musl)
MUSL = /usr/lib/$(SARCH)-linux-musl
SGCC = $(shell $(SCC) -print-file-name=$(1))
STATIC_CFLAGS += -nostdinc -isystem /usr/include/$(SARCH)-linux-musl \
	-isystem $(call SGCC,include)
STATIC_LD ?= -nostdlib -static-pie -Wl,-z,relro,-z,now,--gc-sections \
	-L$(SDIR)/lib -L$(MUSL)
STATIC_START = $(MUSL)/rcrt1.o $(MUSL)/crti.o $(call SGCC,crtbeginS.o)
STATIC_LIBS += -Wl,--start-group -lc $(shell $(SCC) \
	-print-libgcc-file-name) -Wl,--end-group $(call SGCC,crtendS.o) \
	$(MUSL)/crtn.o
SNEED = $(MUSL)/libc.a
SLINKS = $(SDIR)/lib/.made
else
STATIC_LD ?= $(if $(filter /%,$(shell $(SCC) -print-file-name=rcrt1.o)),\
	-static-pie,-static) -Wl,-z,relro,-z,now,--gc-sections
STATIC_LIBS += -pthread
endif
ifneq ($(filter static dist-one,$(MAKECMDGOALS)),)
ifeq ($(STARGET),)
$(error $(SCC) not found: a cross build needs Debian's crossbuild-essential-ARCH, libturbojpeg0-dev:ARCH and libv4l-dev:ARCH (see tests/deps.sh))
endif
ifneq ($(SNEED),)
ifeq ($(wildcard $(SNEED)),)
$(error $(SNEED) not found: a static $(SARCH) build links musl, from Debian's musl-dev:$(if $(filter x86_64,$(SARCH)),amd64,arm64) (or say SLIBC=glibc))
endif
endif
endif

static: $(SDIR)/rerocctv

$(SDIR)/rerocctv: $(SOBJ) $(SLINKS)
	$(QLD)$(SCC) $(CFLAGS) $(STATIC_LD) $(LDFLAGS) -o $@ $(STATIC_START) \
		$(SOBJ) $(STATIC_LIBS)

# jpeglib.h wants jconfig.h, which comes with libjpeg62-turbo-dev:ARCH; that
# package pulls libc6-dev:ARCH, which cannot be installed beside the host's
# whenever a mirror's security updates for ARCH lag. jconfig.h holds the
# library's version and options, the same file on every Debian
# architecture: the host's copy stands in, searched last. For musl, inc/
# also links the directories of the system headers it may use, and lib/
# the three archives (both found by asking the compiler), so that glibc's
# own libc.a beside them is never seen.
$(SDIR)/%.o: %.c $(SDIR)/inc/jconfig.h
	$(QCC)$(SCC) $(RR_CFLAGS) $(HARDEN) $(STATIC_CFLAGS) $(CFLAGS) \
		-idirafter $(SDIR)/inc -c -o $@ $<
$(SDIR)/inc/jconfig.h:
	$(Q)mkdir -p $(@D) && \
	cp /usr/include/$(shell $(CC) -print-multiarch)/jconfig.h $@
ifeq ($(SLIBC),musl)
	$(Q)for h in linux/videodev2.h asm/types.h asm-generic/types.h \
		turbojpeg.h jpeglib.h jmorecfg.h jerror.h libv4l2.h \
		libv4lconvert.h; do \
		p=$$(echo "#include <$$h>" | $(SCC) -M -MG -x c - 2>/dev/null | \
			tr ' ' '\n' | grep "/$$h$$") || \
			{ echo "$(SCC) finds no <$$h>" >&2; exit 1; }; \
		d=$${h%%/*}; ln -sfn "$${p%/$$h}/$$d" $(@D)/$$d; done
endif
$(SDIR)/lib/.made:
	$(Q)mkdir -p $(@D) && \
	for a in libv4l2.a libv4lconvert.a libturbojpeg.a; do \
		p=$$($(SCC) -print-file-name=$$a); test -f "$$p" || \
			{ echo "$(SCC) finds no $$a" >&2; exit 1; }; \
		ln -sf "$$p" $(@D)/$$a; done && touch $@

# All three are built before dist/ is touched: a missing toolchain leaves
# the last dist/ as it was.
DIST_CROSS = native aarch64-linux-gnu- arm-linux-gnueabihf-
dist:
	$(Q)for c in $(DIST_CROSS); do test $$c != native || c=; \
		$(MAKE) --no-print-directory static CROSS=$$c || exit 1; done
	$(Q)rm -rf dist && mkdir dist
	$(Q)for c in $(DIST_CROSS); do test $$c != native || c=; \
		$(MAKE) --no-print-directory dist-one CROSS=$$c || exit 1; done
	$(Q)cd dist && sha256sum rerocctv-* >SHA256SUMS && ls -l rerocctv-*
dist-one: static
	$(Q)$(CROSS)strip -o dist/rerocctv-$(SARCH) $(SDIR)/rerocctv

bench: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/run.sh

bench-auth: rerocctv tests/wsclient
	$(Q)sh bench/auth.sh

# Hours with everything: LK_TRACES, LK_CCS, LK_CASES, LK_SECS narrow it.
bench-links: rerocctv tests/wsclient tests/linkemu
	$(Q)sh bench/links.sh

bench-device: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/device.sh

bench-libc: tests/wsclient
	$(Q)sh bench/libc.sh

# 1000 MJPEG viewers of the camera: fps per viewer, the poll thread's cost;
# bench-profile: perf's view of the same.
bench-viewers: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/viewers.sh

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

.PHONY: all check check-asan check-valgrind fuzz soak mutants bench-auth bench bench-links install uninstall clean
.PHONY: bench-device bench-libc bench-viewers bench-profile
-include $(OBJ:.o=.d)
-include $(SOBJ:.o=.d)
.PHONY: static dist dist-one
