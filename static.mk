# static.mk: static binaries for the boards (doc/deploy.md) and `make dist`.
# Included by the Makefile; uses its CC, CFLAGS, RR_CFLAGS, HARDEN and OBJ.
#
# `make static` links build/ARCH/rerocctv, which needs no shared library;
# CROSS=aarch64-linux-gnu- or CROSS=arm-linux-gnueabihf- builds it with
# Debian's cross compiler and the multiarch libraries (tests/deps.sh).
# web.c is made on the build host. `make dist`: the three, stripped, in
# dist/ with SHA256SUMS.
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

-include $(SOBJ:.o=.d)
.PHONY: static dist dist-one
