# warroom: a terminal incident war-room console (warroom) and its relay (warroomd).
# Plain make.  `make` builds both programs; `make check` installs what the
# tests need (make deps), builds and runs every test; `make sanitize` runs the
# same tests under AddressSanitizer and UBSan; `make fuzz` builds every fuzz
# target with clang and libFuzzer (into build-fuzz/) and runs each for
# FUZZ_SECONDS; `make check-faults` runs the fault suite (tests/faults);
# `make bench` prints figures.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANPREFIX ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share/warroom
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR  ?=

CC       ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS_STD = -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter

ifeq ($(SANITIZE),1)
BUILD    ?= build-sanitize
SAN       = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD    ?= build
SAN       =
endif

PKGS     = ncursesw libwebsockets sqlite3 jansson inih libical
LIBS_CFLAGS := $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
LIBS_LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -lncursesw -ltinfo -lwebsockets -lsqlite3 -ljansson -linih -lical)
CMOCKA_LDLIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

ALL_CFLAGS = $(CFLAGS_STD) $(WARN) $(CFLAGS) $(SAN) -I. $(LIBS_CFLAGS) \
	-DWR_VERSION='"$(VERSION)"' -DWR_DATADIR='"$(DATADIR)"' -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN)
LDLIBS_ALL = $(LIBS_LDLIBS) -lm

LIB_SRC  = $(wildcard core/*.c store/*.c net/*.c relay/*.c cli/*.c tui/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      = $(BUILD)/libwarroom.a

TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC = $(wildcard bench/bench_*.c)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

# Fuzz targets (tests/fuzz/fuzz_NAME.c).  `make check` links each with
# tests/fuzz/driver.c and replays its regression inputs and seeds
# (test_fuzz_NAME); `make fuzz` links each with libFuzzer.
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(BUILD)/tests/test_fuzz_%)
FUZZ_BIN  = $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_OBJ  = $(FUZZ_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tests/fuzz/util.o \
	$(BUILD)/tests/fuzz/driver.o
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SAN  = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer

BINS     = $(BUILD)/warroom $(BUILD)/warroomd
MANS     = $(wildcard man/*.[1-9])

.PHONY: FORCE all check check-run check-faults check-faults-run sanitize fuzz fuzz-bins deps install uninstall clean bench demo lint-man

all: $(BINS)
	@ln -sf $(BUILD)/warroom warroom 2>/dev/null || true
	@ln -sf $(BUILD)/warroomd warroomd 2>/dev/null || true

$(BUILD)/%.o: %.c $(BUILD)/.datadir
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The binaries look for themes and scenarios under DATADIR: rebuild when
# PREFIX or DATADIR changes, so `make install PREFIX=/usr` is never stale.
$(BUILD)/.datadir: FORCE
	@mkdir -p $(BUILD)
	@[ "$$(cat $@ 2>/dev/null)" = "$(DATADIR)" ] || echo "$(DATADIR)" > $@
FORCE:

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(BUILD)/warroom: $(BUILD)/cmd/warroom.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/warroomd: $(BUILD)/cmd/warroomd.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LDLIBS) $(LDLIBS_ALL)

$(BUILD)/tests/test_fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o \
    $(BUILD)/tests/fuzz/driver.o $(BUILD)/tests/fuzz/util.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/util.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

deps:
	@sh scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory check-run

check-run: $(BINS) $(TEST_BIN) $(FUZZ_REPLAY)
	@sh scripts/run-tests.sh $(BUILD)

sanitize:
	@$(MAKE) --no-print-directory SANITIZE=1 check

# The fault suite: tests/faults/*.sh (they source tests/e2e/lib.sh) kill,
# starve and corrupt the real programs: kill -9, full disks, bad files,
# hundreds of consoles, stopped relays.
check-faults: deps
	@$(MAKE) --no-print-directory check-faults-run

check-faults-run: $(BINS)
	@sh scripts/run-faults.sh $(BUILD)

# The library is built again with clang for fuzzing, in its own directory:
# build/ is never touched.  Each target runs for FUZZ_SECONDS over its
# corpus; any finding fails (scripts/fuzz.sh).
fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    SAN='$(FUZZ_SAN)' fuzz-bins
	@sh scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-bins: $(FUZZ_BIN)

bench: deps
	@$(MAKE) --no-print-directory $(BINS) $(BENCH_BIN)
	@sh scripts/bench.sh $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/warroom --demo

lint-man:
	mandoc -Tlint -Wwarning $(MANS)

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(MANPREFIX)/man8 \
		$(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/scenarios
	install -m 755 $(BUILD)/warroom $(BUILD)/warroomd $(DESTDIR)$(BINDIR)
	for m in $(MANS); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANPREFIX)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man$$s/; \
	done
	for f in themes/*.theme; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(DATADIR)/themes/; done; true
	for f in scenarios/*.jsonl; do [ -e "$$f" ] && install -m 644 $$f $(DESTDIR)$(DATADIR)/scenarios/; done; true
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' systemd/warroomd.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/warroomd.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/warroomd.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/warroom $(DESTDIR)$(BINDIR)/warroomd
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/}; done
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/warroomd.service

clean:
	rm -rf build build-sanitize build-fuzz warroom warroomd

-include $(LIB_OBJ:.o=.d) $(TEST_BIN:=.d) $(FUZZ_OBJ:.o=.d) $(BUILD)/cmd/warroom.d $(BUILD)/cmd/warroomd.d
