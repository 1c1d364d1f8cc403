# pstngw: one non-recursive Makefile. Each folder adds its sources through
# its module.mk; objects, dependency files and binaries live under $(B).
#
#   make            build/pstngw, build/pstnsim, tools, module libraries
#   make test       unit, corpus and integration tests
#   make check      the same tests built with ASan + UBSan (build/san)
#   make bench      performance figures (BENCH lines), never pass/fail
#   make demo       a fax from the simulated PSTN into sipfax, one call each way
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install missing Debian packages (apt-get)

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?= 0
B       ?= build

CC      ?= cc
# /usr installs keep their configuration in /etc, others under PREFIX
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc/pstngw
LOCALSTATEDIR ?= /var
else
SYSCONFDIR ?= $(PREFIX)/etc/pstngw
LOCALSTATEDIR ?= $(PREFIX)/var
endif
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
PKGS    := spandsp opus portaudio-2.0 inih openssl libsrtp2
WARN    := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	   -Wstrict-prototypes -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP -I. \
	      -DPSTNGW_CONF='"$(SYSCONFDIR)/pstngw.conf"'
ALL_LDFLAGS := $(LDFLAGS)

ifeq ($(SAN),1)
B := build/san
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
endif

# pkg-config is asked only once the dependencies are present.
DEPS_STAMP := build/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
EXT_LIBS   = -lpri $(PKG_LIBS) -ltiff -lm -lpthread
TEST_LIBS  = $(EXT_LIBS) -lcmocka

LIBSIP   := $(B)/libsip.a
LIBTDM   := $(B)/libtdm.a
LIBMEDIA := $(B)/libmedia.a
LIBGW    := $(B)/libgw.a
ALL_LIBS  = $(LIBGW) $(LIBSIP) $(LIBTDM) $(LIBMEDIA)

BINS :=
UNIT_TESTS :=
BENCHES :=
BENCH_LIBS :=

all:

include sip/module.mk
include tdm/module.mk
include media/module.mk
include gateway/module.mk
include tools/module.mk
include tests/module.mk

all: $(BINS)

$(B)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(B)/lib%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# Installs what is missing, then remembers it; re-run when the list changes.
$(DEPS_STAMP): tools/deps.sh
	./tools/deps.sh
	@mkdir -p $(dir $@)
	@touch $@

deps:
	./tools/deps.sh


# Binaries, the configuration (the sample always, pstngw.conf never over
# an existing one), spool and log directories, the systemd unit with the
# installed paths, and the man pages.
MANPAGES := doc/pstngw.8 doc/pstngw-ctl.8 doc/pstngw.conf.5
install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	install -d -m 750 $(DESTDIR)$(LOCALSTATEDIR)/spool/pstngw \
		$(DESTDIR)$(LOCALSTATEDIR)/log/pstngw
	install -m 755 $(B)/pstngw $(DESTDIR)$(PREFIX)/sbin/pstngw
	install -m 755 $(B)/pstnsim $(B)/sipua $(B)/pstngw-ctl $(B)/sipfax \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 644 conf/pstngw.conf.sample $(DESTDIR)$(SYSCONFDIR)/
	[ -e $(DESTDIR)$(SYSCONFDIR)/pstngw.conf ] || \
		install -m 644 conf/pstngw.conf $(DESTDIR)$(SYSCONFDIR)/pstngw.conf
	sed -e 's|/usr/sbin/|$(PREFIX)/sbin/|g' \
	    -e 's|/etc/pstngw/|$(SYSCONFDIR)/|g' \
	    -e 's|/var/|$(LOCALSTATEDIR)/|g' conf/pstngw.service \
		>$(DESTDIR)$(UNITDIR)/pstngw.service
	chmod 644 $(DESTDIR)$(UNITDIR)/pstngw.service
	install -m 644 doc/pstngw.8 doc/pstngw-ctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 doc/pstngw.conf.5 $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -rf build

.PHONY: all deps clean test check demo install unit integration corpus bench

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# House checks run by `make check`: formatting (.clang-format) and the
# module boundaries (sip/, tdm/ and media/ never include each other or
# gateway/; DESIGN.md).
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	clang-format -i $(C_FILES)

check-style:
	@clang-format --dry-run --Werror $(C_FILES)
	@bad=$$(for m in sip tdm media; do \
		grep -HnE '#include[[:space:]]*"(sip|tdm|media|gateway)/' $$m/*.[ch] | \
		grep -v "\"$$m/"; done); \
	if [ -n "$$bad" ]; then echo "module boundary crossed:"; echo "$$bad"; exit 1; fi
	@echo "style and module boundaries: ok"

.PHONY: format check-style
