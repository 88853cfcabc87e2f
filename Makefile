# rerocctv: plain make. `make`, `make check`, `make install PREFIX=...`.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CC ?= cc
CFLAGS ?= -O2 -g
LDFLAGS ?=
# Project flags live apart from CFLAGS so `make CFLAGS=-Os` keeps them.
RR_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-pthread -MMD -MP
RR_LIBS = -ljpeg -lturbojpeg -lv4l2 -pthread

SRC = rerocctv.c server.c conn.c http.c ws.c sha1.c base64.c obuf.c \
	adapt.c hub.c jpeg.c mjpeg.c source.c pattern.c capture.c util.c web.c
OBJ = $(SRC:.c=.o)
WEB = $(sort $(wildcard web/*))
UNITS = tests/unit-sha1 tests/unit-base64 tests/unit-ws tests/unit-http \
	tests/unit-mjpeg tests/unit-jpeg
TOOLS = tests/wsclient tests/fakecam.so

ifeq ($(V),)
Q = @
QCC = @echo "  CC      $@";
QLD = @echo "  LD      $@";
QGEN = @echo "  GEN     $@";
endif

all: rerocctv

rerocctv: $(OBJ)
	$(QLD)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(RR_LIBS)

%.o: %.c
	$(QCC)$(CC) $(RR_CFLAGS) $(CFLAGS) -c -o $@ $<

web.c: mkweb.sh $(WEB)
	$(QGEN)sh mkweb.sh $(WEB) > $@.tmp && mv $@.tmp $@

# Each unit test links only the pure modules it tests.
tests/unit-sha1: sha1.o
tests/unit-base64: base64.o
tests/unit-ws: ws.o sha1.o base64.o
tests/unit-http: http.o
tests/unit-mjpeg: mjpeg.o
tests/unit-jpeg: jpeg.o
$(UNITS): %: %.c tests/unit.h
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(filter %.o,$^) $(RR_LIBS)

tests/wsclient: tests/wsclient.c sha1.o base64.o
	$(QLD)$(CC) $(RR_CFLAGS) -I. $(CFLAGS) $(LDFLAGS) -o $@ $^ -lturbojpeg

tests/fakecam.so: tests/fakecam.c
	$(QLD)$(CC) $(RR_CFLAGS) -fPIC -shared $(CFLAGS) $(LDFLAGS) -o $@ $< \
		-lturbojpeg -ldl -pthread

check: rerocctv $(UNITS) $(TOOLS)
	$(Q)sh tests/run.sh

bench: rerocctv tests/wsclient tests/fakecam.so
	$(Q)sh bench/run.sh

bench-adapt: rerocctv tests/wsclient
	$(Q)sh bench/adapt.sh

install: rerocctv
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 rerocctv $(DESTDIR)$(BINDIR)/rerocctv

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rerocctv

clean:
	rm -f rerocctv web.c *.o *.d tests/*.o tests/*.d $(UNITS) $(TOOLS)
	rm -rf build tests/trash.*

.PHONY: all check bench bench-adapt install uninstall clean
-include $(OBJ:.o=.d)
