#!/bin/sh
# Postmortems, end to end: a real relay, the real console under tmux, and
# an editor ($VISUAL) that is a script.  carol starts the postmortem from a
# shell (`warroom postmortem 1 --edit`): her editor sees the template
# filled from the incident's events (alice's acknowledgement at the time
# she made it, bob's note) in a private 0600 file, removed afterwards.
# Then alice and bob press P in their consoles at the same moment: both
# editors start from v1; alice saves first (v2), bob second (v3, kept as
# its own version and marked "based on v1; v2 by alice came first").
# Both versions are kept and shown (print, export, the detail pane), a P
# left unchanged saves nothing and says so, `warroom actions` reads the
# latest version's items, and :export FILE writes the export.  Every wait
# polls to a deadline.
. "$(dirname "$0")/lib.sh"
echo "postmortem: versions saved beside each other are both kept and shown"
tmux_init

make_tokens
start_relay || exit 1

# an editor per person: it records the file it was given (name, mode,
# text), waits for $T/go.WHO (unless told to go at once), then edits as
# $T/edit.WHO says: "keep" leaves the file as it is, otherwise the text
# of edit.WHO replaces the template's summary line and is appended.
for who in alice bob carol; do
	cat > "$T/ed-$who.sh" <<EOF
#!/bin/sh
n=\$(cat "$T/count.$who" 2>/dev/null || echo 0)
echo \$((n + 1)) > "$T/count.$who"
printf '%s\n' "\$1" > "$T/seen.$who.\$n.path"
stat -c %a "\$1" > "$T/seen.$who.\$n.mode"
cp "\$1" "$T/seen.$who.\$n"
for _ in \$(seq 1 300); do [ -e "$T/go.$who" ] && break; sleep 0.1; done
rm -f "$T/go.$who"
[ "\$(cat "$T/edit.$who")" = keep ] && exit 0
sed -i "/^## Summary\$/a \$(cat "$T/edit.$who")" "\$1"
printf '%s\n' "- [ ] $who: \$(cat "$T/edit.$who")" >> "\$1"
EOF
	chmod +x "$T/ed-$who.sh"
done

ops() { # ops WHO ARGS...: a one-shot command as WHO through the ops token
	who=$1
	shift
	VISUAL="$T/ed-$who.sh" "$WARROOM" "$@" --feed "$FEED" \
	    --token-file "$T/ops.token" --user "$who" --db "$T/$who-cli.db" \
	    --timeout 10
}

cat > "$T/alert.json" <<'EOF'
{"receiver":"warroom","status":"firing","alerts":[{"status":"firing",
"labels":{"alertname":"CheckoutErrors","severity":"critical","service":"checkout"},
"annotations":{"summary":"checkout 5xx at 4.2% [see](http://evil.example)"},
"startsAt":"2026-11-27T09:00:00Z","endsAt":"0001-01-01T00:00:00Z",
"generatorURL":"","fingerprint":"c0ffee0123456789"}],
"groupLabels":{"alertname":"CheckoutErrors"},
"commonLabels":{"alertname":"CheckoutErrors","service":"checkout"},
"commonAnnotations":{"summary":"checkout 5xx at 4.2% [see](http://evil.example)"},
"externalURL":"http://am:9093","version":"4",
"groupKey":"{}:{alertname=\"CheckoutErrors\"}","truncatedAlerts":0}
EOF
eq "an alert group posted" "$(post /hooks/alertmanager "$T/alert.json")" 200
ops alice ack 1 >"$T/ack.out" 2>&1
eq "alice acknowledges #1" "$?" 0
ops bob note 1 "rolled back 4f2a" >"$T/note.out" 2>&1
eq "bob notes" "$?" 0

ops carol postmortem 1 >"$T/none.out" 2>"$T/none.err"
eq "no postmortem yet: postmortem 1 exits 65" "$?" 65
check "and says how to start one" \
    grep -q 'has no postmortem yet (warroom postmortem 1 --edit' "$T/none.err"

# carol starts it from a shell
echo "carol: a bad deploy of checkout" > "$T/edit.carol"
touch "$T/go.carol"
ops carol postmortem 1 --edit >"$T/carol.out" 2>"$T/carol.err"
eq "postmortem 1 --edit exits 0" "$?" 0
check "and says it saved" grep -q 'saved the postmortem of #1' "$T/carol.out"
check "her editor had the template: its sections" sh -c \
    "grep -q '^## Summary' '$T/seen.carol.0' && grep -q '^## Root cause' '$T/seen.carol.0' && grep -q '^## Action items' '$T/seen.carol.0'"
check "and the timeline from the events: alice's ack, bob's note" sh -c \
    "grep -q '^- .*Z alice: acknowledged$' '$T/seen.carol.0' && grep -q '^- .*Z bob: note: rolled back 4f2a$' '$T/seen.carol.0'"
check "and who responded" grep -q '^- Responders: alice, bob$' "$T/seen.carol.0"
eq "the file was private" "$(cat "$T/seen.carol.0.mode")" 600
check "and is gone" test ! -e "$(cat "$T/seen.carol.0.path")"

# A save the console must refuse (over 64k) keeps what was written: the
# file the editor wrote stays, and the message names it.
cat > "$T/ed-big.sh" <<'EOF'
#!/bin/sh
python3 -c 'import sys; open(sys.argv[1], "a").write("carol wrote this. " * 4000)' "$1"
EOF
chmod +x "$T/ed-big.sh"
VISUAL="$T/ed-big.sh" "$WARROOM" postmortem 1 --edit --feed "$FEED" \
    --token-file "$T/ops.token" --user carol --db "$T/carol-cli.db" \
    --timeout 10 >"$T/big.out" 2>"$T/big.err"
eq "a postmortem over 64k is refused: exit 65" "$?" 65
check "it says why" grep -q 'over 65536 bytes; nothing was saved' "$T/big.err"
big=$(sed -n 's/^warroom: what you wrote is kept in //p' "$T/big.err")
check "and where what was written is kept" test -s "$big"
check "which holds it" grep -q 'carol wrote this' "$big"
rm -f "$big"

# alice and bob, each in a console, press P at the same moment
console() { # console WHO TOKENFILE
	rm -f "$T/$1.exit"
	cmd="env -u NO_COLOR TMPDIR='$T' VISUAL='$T/ed-$1.sh' TERM=xterm-256color \
LC_ALL=C.UTF-8 TZ=UTC XDG_CONFIG_HOME='$T/xdg-config' \
XDG_DATA_HOME='$T/xdg-data' '$WARROOM' --feed '$FEED' --token-file '$T/$2' \
--user $1 --db '$T/$1.db' --log '$T/$1.log'; echo \$? > '$T/$1.exit'"
	if tm has-session -t "$SESS" 2>/dev/null; then
		tm new-window -d -t "$SESS:" -n "$1" "$cmd"
	else
		tm new-session -d -s "$SESS" -x 120 -y 40 -n "$1" "$cmd"
	fi
}
console alice ops.token
console bob bob.token
check "alice's console shows carol's v1" \
    wait_screen alice 'Postmortem +v1, last saved by carol'
check "bob's too" wait_screen bob 'Postmortem +v1, last saved by carol'
echo "alice: the cache was cold after the rollback" > "$T/edit.alice"
echo "bob: nobody watched the canary" > "$T/edit.bob"
tm send-keys -t "$SESS:alice" P
tm send-keys -t "$SESS:bob" P
check "both editors started from v1" sh -c "for _ in \$(seq 1 150); do \
    [ -e '$T/seen.alice.0' ] && [ -e '$T/seen.bob.0' ] && exit 0; sleep 0.1; done; exit 1"
check "from carol's text" sh -c \
    "grep -q 'carol: a bad deploy' '$T/seen.alice.0' && grep -q 'carol: a bad deploy' '$T/seen.bob.0'"
touch "$T/go.alice"
check "alice's save is v2" wait_screen alice 'Postmortem +v2, last saved by alice'
touch "$T/go.bob"
check "bob's, made from v1 too, is v3 and says what it missed" \
    wait_screen bob 'Postmortem +v3, last saved by bob .*\(based on v1; v2 by alice came first\)'
check "alice's console shows it too" \
    wait_screen alice 'Postmortem +v3, last saved by bob .*\(based on v1; v2 by alice came first\)'
check "the timeline says so" wait_screen alice 'postmortem v3 saved \(based on v1\)'

ops carol postmortem 1 --version 2 >"$T/v2.md" 2>"$T/v2.err"
eq "postmortem 1 --version 2 exits 0" "$?" 0
check "v2 is alice's, whole" sh -c \
    "grep -q '^alice: the cache was cold' '$T/v2.md' && grep -q '^- \[ \] alice: alice: the cache' '$T/v2.md' && ! grep -q nobody '$T/v2.md'"
check "stderr says who saved it" grep -q 'postmortem v2 of #1, saved by alice' "$T/v2.err"
ops carol postmortem 1 --version 3 >"$T/v3.md" 2>"$T/v3.err"
check "v3 is bob's, without alice's change" sh -c \
    "grep -q '^bob: nobody watched the canary' '$T/v3.md' && ! grep -q 'cache was cold' '$T/v3.md'"
check "and stderr marks it" grep -q 'postmortem v3 of #1, saved by bob at .*; based on v1; v2 by alice came first' "$T/v3.err"
ops carol postmortem 1 >"$T/latest.md" 2>"$T/latest.err"
check "the latest print shows both: bob's, then alice's between markers" sh -c \
    "grep -q '^bob: nobody watched' '$T/latest.md' && grep -q '^<<<<<<< v2 by alice' '$T/latest.md' && grep -q '^alice: the cache was cold' '$T/latest.md' && grep -q '^>>>>>>> v2' '$T/latest.md'"
ops carol postmortem 1 --version 9 >/dev/null 2>"$T/v9.err"
eq "a version that is not there exits 65" "$?" 65
# a copy that began with a snapshot from a relay that did not send the
# versions (before issue 13) has the summary (v3, bob) but not the
# versions' events: it says so rather than "no postmortem yet"
cp "$T/carol-cli.db" "$T/snap-cli.db"
sqlite3 "$T/snap-cli.db" "DELETE FROM events WHERE kind = 23"	# postmortem
VISUAL=true "$WARROOM" postmortem 1 --feed "$FEED" --token-file "$T/ops.token" \
    --user carol --db "$T/snap-cli.db" --timeout 10 >/dev/null 2>"$T/snap.err"
eq "a copy without the versions' text exits 65" "$?" 65
check "and says why" grep -q 'has a postmortem (v3), but this console.s copy of the log does not have its text' "$T/snap.err"

ops carol actions --json >"$T/actions.json" 2>"$T/actions.err"
eq "actions --json exits 0" "$?" 0
eq "the latest version's items, then alice's in v2 saved beside it (carol's once)" "$(python3 -c '
import json, sys
print(";".join("%d %s %s %s %s" % (a["incident"], a["version"], a["owner"], a["done"], a["beside"])
    for a in json.load(open(sys.argv[1]))))' "$T/actions.json")" "1 3 carol False False;1 3 bob False False;1 2 alice False True"
ops carol actions --owner alice >"$T/actions-alice.txt" 2>&1
check "actions --owner alice: hers, marked as in the version beside" \
    grep -q '^#1 .*alice .*(in v2, saved beside v3)$' "$T/actions-alice.txt"

# P again, left unchanged: nothing is saved, and it says so
echo keep > "$T/edit.alice"
touch "$T/go.alice"
tm send-keys -t "$SESS:alice" P
check "P left unchanged says nothing was saved" \
    wait_screen alice 'postmortem of #1 is unchanged: nothing saved'
check "its editor started from v3 with v2 beside it" sh -c \
    "grep -q '^bob: nobody watched' '$T/seen.alice.1' && grep -q '^<<<<<<< v2 by alice' '$T/seen.alice.1'"
ops carol postmortem 1 >/dev/null 2>"$T/after.err"
check "and there is no v4" sh -c "! grep -q 'postmortem v4' '$T/after.err'"

# P again, edited but with v2's block left in: refused, the text kept
echo "alice: one more line" > "$T/edit.alice"
touch "$T/go.alice"
tm send-keys -t "$SESS:alice" P
check "a save that still holds v2's block is refused, and the file named" \
    wait_screen alice 'postmortem not saved, your text is kept in .*warroom-postmortem'
check "the kept file holds the edit" sh -c \
    "grep -l 'alice: one more line' '$T'/warroom-postmortem.*.md >/dev/null"
ops carol postmortem 1 >/dev/null 2>"$T/after2.err"
check "and there is still no v4" sh -c "! grep -q 'postmortem v4' '$T/after2.err'"

# :export FILE from the console
tm send-keys -t "$SESS:bob" ":export $T/export.md" Enter
check ":export says where it wrote" wait_screen bob "exported #1 to $T/export.md"
check "the export has the latest postmortem and the one beside it" sh -c \
    "grep -q '^## Postmortem (v3, saved by bob)' '$T/export.md' && grep -q '^### Also v2, saved by alice beside it' '$T/export.md'"
check "the alert's Markdown is escaped in it" \
    grep -q '4.2% \\\[see\\\]\\(http\\://evil.example\\)' "$T/export.md"
eq "the export file is private" "$(stat -c %a "$T/export.md")" 600
tm send-keys -t "$SESS:bob" ":export $T/export.json" Enter
check ":export FILE.json says where it wrote" \
    wait_screen bob "exported #1 to $T/export.json"
ops carol export 1 --format json >"$T/export-cli.json" 2>/dev/null
check "as warroom export --format json: the same JSON, the postmortem in it" \
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a == b and a["postmortem"] else 1)' \
    "$T/export.json" "$T/export-cli.json"

for w in alice bob; do
	tm send-keys -t "$SESS:$w" q
	for _ in $(seq 1 100); do [ -s "$T/$w.exit" ] && break; sleep 0.1; done
	eq "q: $w's console exits 0" "$(cat "$T/$w.exit" 2>/dev/null)" 0
done
finish
