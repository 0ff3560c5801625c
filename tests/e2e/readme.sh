#!/bin/sh
# The README's "Running for real", run as written, so that the README cannot
# drift from the programs: the fenced ```sh and ```yaml blocks of that
# section are taken from README.md itself, in order, and run; then each is
# checked to do what the README says it does.
#
# What is changed, and nothing else:
#   - HOME is a new directory under $T, and XDG_CONFIG_HOME, XDG_DATA_HOME
#     and the WARROOM_* variables are unset (so the README's default paths
#     under ~ are the ones checked);
#   - the port 8470, wherever a block says it, is a free port;
#   - the home directory written out in the YAML block, /home/alice, is that
#     HOME;
#   - the commands run in a directory of their own whose ./warroom and
#     ./warroomd are links to $BUILD/warroom and $BUILD/warroomd (what
#     `make` links in the source tree);
#   - a line that starts a program that stays in the foreground runs in the
#     background: ./warroomd with its output to a file, the interactive
#     console (./warroom without a subcommand) in a tmux window of a private
#     server; the other lines run in this shell, one after the other (so
#     that `umask 077` holds for the lines after it), and a failing line
#     fails the test;
#   - the YAML block is Alertmanager's config file: a real Alertmanager
#     (prometheus-alertmanager, installed by make deps) runs it with a free
#     web port, no cluster and a temporary storage path, as in
#     alertmanager.sh; an alert is raised with amtool.  Its group_wait (30 s)
#     is kept, so the incident takes that long to arrive; the group_interval
#     delay of a resolve (5 minutes) is not waited for.
# Also checked: the quick start's two commands are still `make demo` and
# `make check`; every subcommand the Scripting section shows answers
# --help; every subcommand the exit-status table calls not built exits 69.
. "$(dirname "$0")/lib.sh"
echo "readme: the README's \"Running for real\", run as written"
for prog in amtool openssl awk; do
	command -v "$prog" >/dev/null 2>&1 && continue
	echo "  FAIL $prog is needed (make deps)"
	exit 1
done
AM=$(command -v prometheus-alertmanager || command -v alertmanager)
if [ -z "$AM" ]; then
	echo "  FAIL prometheus-alertmanager is needed (make deps)"
	exit 1
fi
README="$ROOT/README.md"
tmux_init	# lib.sh: tm, cap, wait_screen
unset XDG_CONFIG_HOME XDG_DATA_HOME WARROOM_FEED WARROOM_TOKEN_FILE \
    WARROOM_DB WARROOM_USER

# ---- the README's own words ----
# The quick start stays word for word.
qs=$(awk '/^## Quick start/ { on = 1; next } /^## / { on = 0 }
    on && /^    [^ ]/' "$README")
eq "the quick start's commands are still 'make demo' and 'make check'" \
    "$qs" "$(printf '    make demo\n    make check')"

# The blocks of "Running for real", in order: $T/sh.N and $T/yaml.N.
awk -v dir="$T" '
	/^## Running for real/ { on = 1; next }
	/^## / { on = 0 }
	!on { next }
	/^```(sh|yaml)$/ && !inb {
		t = substr($0, 4); n[t]++; inb = 1
		f = dir "/" t "." n[t]; printf "" > f; next
	}
	/^```$/ && inb { inb = 0; close(f); next }
	inb { print > f }
' "$README"
nsh=$(ls "$T"/sh.* 2>/dev/null | wc -l)
nyaml=$(ls "$T"/yaml.* 2>/dev/null | wc -l)
eq "the section has four shell blocks" "$nsh" 4
eq "and one YAML block, Alertmanager's" "$nyaml" 1
if [ "$FAILS" -gt 0 ]; then finish; exit 1; fi

PORT=$(free_port)
AMPORT=$(free_port)
H="$T/home"
RUN="$T/run"
mkdir -p "$H" "$RUN"
ln -s "$WARROOMD" "$RUN/warroomd"
ln -s "$WARROOM" "$RUN/warroom"
URL="http://127.0.0.1:$PORT"

# run_line LINE: one line of a shell block, with the substitutions above.
RELAY_PID=
CONSOLE_LINE=
run_line() {
	line=$(printf '%s\n' "$1" | sed "s/\\b8470\\b/$PORT/g")
	case "$line" in
	''|'#'*) return 0 ;;
	warroom\ *|warroomd\ *|warroom|warroomd)
		# a new user has no warroom on PATH (and one installed would
		# not be the one built here)
		fail "the README runs $line from PATH; in this directory it is ./${line%% *}"
		return 1 ;;
	*\\) fail "a README command is continued on the next line; run_line takes one a line: $line"
	    return 1 ;;
	./warroomd\ *)
		printf '  run (in the background) %s\n' "$line"
		eval "$line" </dev/null >>"$T/relay.log" 2>&1 &
		RELAY_PID=$!
		PIDS="$PIDS $RELAY_PID"
		;;
	./warroom\ -*|./warroom)
		printf '  run (in tmux) %s\n' "$line"
		CONSOLE_LINE=$line
		printf '%s\n' "$line" > "$T/console.sh"
		tm new-session -d -s "$SESS" -x 120 -y 40 -n console \
		    "cd '$RUN' && env HOME='$H' TERM=xterm-256color LC_ALL=C.UTF-8 TZ=UTC sh '$T/console.sh'; echo \$? > '$T/console.exit'" </dev/null
		;;
	*)
		printf '  run %s\n' "$line"
		n_out=$((${n_out:-0} + 1))
		if ! eval "$line" </dev/null >"$T/out.$n_out" 2>"$T/err.$n_out"; then
			fail "the README's command failed: $line"
			sed 's/^/    |/' "$T/err.$n_out"
			return 1
		fi
		;;
	esac
	return 0
}

# run_block N: every line of block N, in this shell, in $RUN, with HOME=$H.
run_block() {
	saved_home=$HOME
	HOME=$H
	cd "$RUN" || return 1
	while IFS= read -r l; do
		run_line "$l" || break
	done < "$T/sh.$1"
	cd "$ROOT" || return 1
	HOME=$saved_home
	umask 022
}

# poll SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS
poll() {
	s=$1; shift
	for _ in $(seq 1 $((s * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1: the token file and the relay ----
run_block 1
tok="$H/.config/warroomd/tokens"
eq "the token file is made with mode 600" "$(stat -c %a "$tok" 2>/dev/null)" 600
eq "in a directory made with mode 700" \
    "$(stat -c %a "$H/.config/warroomd" 2>/dev/null)" 700
check "it has the am-prod ingest token" grep -Eqx 'am-prod [0-9a-f]{32} ingest' "$tok"
check "and alice's console token" grep -Eqx 'alice [0-9a-f]{32} console' "$tok"
check "the relay answers on the address the README gives" \
    poll 20 curl -fs "$URL/healthz" -o /dev/null
check "and keeps its log in ~/.local/share/warroom/relay.db" \
    test -f "$H/.local/share/warroom/relay.db"
if [ "$FAILS" -gt 0 ]; then
	echo "  (the relay did not start:)"; sed 's/^/    |/' "$T/relay.log"
	finish; exit 1
fi
AM_TOKEN=$(awk '$1 == "am-prod" { print $2 }' "$tok")
ALICE_TOKEN=$(awk '$1 == "alice" { print $2 }' "$tok")

# ---- 2: the Alertmanager credentials file ----
run_block 2
amtok="$H/.config/warroomd/alertmanager.token"
eq "the credentials file holds the am-prod token alone" "$(cat "$amtok" 2>/dev/null)" "$AM_TOKEN"
eq "on one line" "$(wc -l < "$amtok" 2>/dev/null)" 1

# ---- 3: Alertmanager with the README's alertmanager.yml ----
sed -e "s/\\b8470\\b/$PORT/g" -e "s|/home/alice|$H|g" "$T/yaml.1" > "$T/am.yml"
check "the YAML's credentials_file is the file written above" \
    grep -qF "credentials_file: $amtok" "$T/am.yml"
"$AM" --config.file="$T/am.yml" --storage.path="$T/am-data" \
    --web.listen-address="127.0.0.1:$AMPORT" --cluster.listen-address= \
    --log.level=warn >"$T/am.log" 2>&1 &
PIDS="$PIDS $!"
AMURL="http://127.0.0.1:$AMPORT"
if ! check "Alertmanager takes the README's config and is ready" \
    poll 30 curl -fs "$AMURL/-/ready" -o /dev/null; then
	sed 's/^/    |/' "$T/am.log"
fi
amtool --alertmanager.url="$AMURL" alert add DiskFull service=db \
    severity=critical instance=db-1 --annotation=summary="disk 97% on db-1" \
    >/dev/null 2>"$T/amtool.err" || fail "amtool alert add: $(cat "$T/amtool.err")"
AM_SENT=$(date +%s)

# ---- 4: the console, while Alertmanager waits out group_wait ----
run_block 3
eq "the console's token file holds alice's token alone" \
    "$(cat "$H/.config/warroom/token" 2>/dev/null)" "$ALICE_TOKEN"
check "the README starts the console" [ -n "$CONSOLE_LINE" ]
check "its status line says LIVE and as alice" \
    wait_screen console '^ LIVE +as alice' 200
# group_wait is 30 s: at most 120 s on a busy machine
if check "the Alertmanager group arrives as one incident, on the console's list" \
    wait_screen console '#1 .*disk 97% on db-1' 1200; then
	echo "  figure group_wait to screen: $(( $(date +%s) - AM_SENT )) s"
fi
check "the console keeps its copy in ~/.local/share/warroom/console.db" \
    test -f "$H/.local/share/warroom/console.db"
tm send-keys -t "$SESS:console" q
check "q quits the console" poll 20 test -s "$T/console.exit"
eq "with exit status 0" "$(cat "$T/console.exit" 2>/dev/null)" 0

# ---- 5: the config file serves the subcommands ----
before=${n_out:-0}
run_block 4
check "the config file names the feed, the token file and the user" \
    grep -qx "user = alice" "$H/.config/warroom/config"
check "./warroom list with it alone lists the incident" \
    grep -Eq '^ +1 +triggered +critical .*disk 97% on db-1' "$T/out.$n_out"
[ "$n_out" -gt "$before" ] || fail "block 4 ran no command"

# ---- the Scripting section and the exit-status table ----
# each "./warroom A ... | B ... | C ..." line names A, B and C
subs=$(awk '/^## Scripting/ { on = 1; next } /^## / { on = 0 }
    on && /^    \.\/warroom / {
	sub(/#.*/, ""); sub(/^ *\.\/warroom /, "")
	n = split($0, part, "|")
	for (i = 1; i <= n; i++) { split(part[i], w, " "); print w[1] }
    }' "$README" | sort -u)
check "the Scripting section shows subcommands" [ -n "$subs" ]
for s in $subs; do
	"$WARROOM" "$s" --help >"$T/help.out" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && head -n 1 "$T/help.out" | grep -q "^usage: warroom \[options\] $s" &&
	    ! grep -q "Not built yet" "$T/help.out"; then
		ok "./warroom $s --help: exit 0, its usage, built"
	else
		fail "./warroom $s --help: exit $rc: $(head -n 3 "$T/help.out")"
	fi
done
# the subcommands not built (`oncall --ics` is an option of a built one)
nb=$(grep '^| 69 ' "$README" | grep -o '`[a-z]*`' | tr -d '`')
check "the exit-status table names what is not built" \
    grep -q '^| 69 | not built yet (`' "$README"
for s in $nb; do
	"$WARROOM" "$s" >/dev/null 2>"$T/nb.err"
	eq "./warroom $s (not built, says the README): exit 69" "$?" 69
done
for s in $subs; do
	case " $(echo $nb) " in *" $s "*) fail "$s is both in Scripting and not built" ;; esac
done
finish
