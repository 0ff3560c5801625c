#!/bin/sh
# Every hostile string of tests/fixtures/hostile/strings.json, through the
# whole path into a console under tmux: as alert labels, annotations and
# summaries through Alertmanager, as the summary, source, component and
# details of an Events v2 trigger, and as a note, an assignee and the name
# of who acknowledged, through the one-shot commands.  The console's raw
# output is captured from its first byte (tmux pipe-pane) while every
# incident is selected in turn, its detail pane drawn, and then checked:
# no sequence of the data's own reaches the terminal (OSC, DCS, the CSIs
# the fixtures carry, C1 controls, BEL, bidi and zero-width characters),
# while the text shows up as visible tokens.
# Figures: the cases, incidents and raw bytes checked.
. "$(dirname "$0")/../e2e/lib.sh"
echo "console: every hostile string, every way in, checked on the terminal's raw bytes"
tmux_init
make_tokens
start_relay || exit 1
"$WARROOM" tail --json --feed "$FEED" --token-file "$T/ops.token" \
    >"$T/tail.out" 2>"$T/tail.err" &
PIDS="$PIDS $!"
# bob's console, raw bytes from the first; --quiet: no bell of its own,
# so any BEL in the capture came from the data
start_console bob bob bob.token --quiet
tm pipe-pane -o -t "$SESS:bob" "cat >> '$T/bob.raw'"
check "bob's console is LIVE" wait_screen bob '^ LIVE +as bob'

# Post every case both ways; then a note, an assignee and an ack by a
# hostile name on each incident (python: the texts are not shell words).
python3 - "$FIX/hostile/strings.json" "$URL" "$TOK_AM" "$T" "$WARROOM" \
    "$FEED" <<'PY' > "$T/drive.out" 2>&1
import json, subprocess, sys, time, urllib.request, urllib.error
cases = json.load(open(sys.argv[1]))
url, tok, T, warroom, feed = sys.argv[2:7]
log = open(T + "/posts.out", "w")

def post(path, body, auth=True):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Bearer " + tok)
    try:
        return urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code

for n, c in enumerate(cases, 1):
    name, text = c["name"], c["text"]
    al = {"alertname": "Hostile-" + name, "service": text, "evil": text,
          "severity": "warning"}
    am = {"receiver": "warroom", "status": "firing", "alerts": [{
        "status": "firing", "labels": al,
        "annotations": {"summary": text, "description": text,
                        "runbook": text},
        "startsAt": "2026-11-27T15:50:00Z",
        "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "",
        "fingerprint": "%016x" % n}],
        "groupLabels": {"alertname": "Hostile-" + name},
        "commonLabels": al, "commonAnnotations": {},
        "externalURL": "http://vm:19093", "version": "4",
        "groupKey": '{}:{alertname="Hostile-%s"}' % name,
        "truncatedAlerts": 0}
    print("am", name, post("/hooks/alertmanager", am), flush=True,
          file=log)
    ev = {"routing_key": tok, "event_action": "trigger",
          "dedup_key": "hostile-" + name,
          "payload": {"summary": text or "-", "source": text or "-",
                      "severity": "warning", "component": text,
                      "group": text, "class": text,
                      "custom_details": {"detail": text, text[:40] or "k": 1}}}
    print("ev2", name, post("/v2/enqueue", ev, auth=False), flush=True,
          file=log)

# the incidents, from the triggered events the tail printed: one for each
# post taken
log.close()
want = sum(1 for l in open(T + "/posts.out") if l.split()[-1] in ("200", "202"))
ids = {}
deadline = time.time() + 30
while time.time() < deadline:
    ids = {}
    for line in open(T + "/tail.out", "rb"):
        # the tail is still writing: a line without its newline is one
        # it has not finished (a long one goes out in several writes,
        # and may stop inside a character)
        if not line.endswith(b"\n"):
            break
        e = json.loads(line.decode("utf-8"))
        if e.get("kind") == "triggered":
            ids[e["incident"]] = e.get("key", "")
    if len(ids) >= want:
        break
    time.sleep(0.2)
print("incidents %d of %d" % (len(ids), want), flush=True)

def oneshot(*args, user="ops"):
    if any("\0" in a for a in args + (user,)):
        return "skipped (NUL in argv)"
    p = subprocess.run([warroom, "--feed", feed, "--token-file",
                        T + "/ops.token", "--db", T + "/ops.db",
                        "--user", user, "--timeout", "20", *args],
                       capture_output=True)
    if p.returncode != 0:
        print("   ", p.stderr.decode(errors="replace").strip()[:200]
              .encode("unicode_escape").decode(), flush=True)
    return p.returncode

for n, c in enumerate(cases, 1):
    text = c["text"]
    for inc in sorted(ids):
        if ("Hostile-" + c["name"] + '"') in ids[inc] or \
           ids[inc].endswith("hostile-" + c["name"]):
            print("note", c["name"], inc,
                  oneshot("note", str(inc), "--", text or "-"), flush=True)
            print("assign", c["name"], inc,
                  oneshot("assign", str(inc), text or "-"), flush=True)
            print("ack", c["name"], inc,
                  oneshot("ack", str(inc), user=text or "-"), flush=True)
PY
drive_rc=$?
cat "$T/posts.out" >> "$T/drive.out"
sed 's/^/    /' "$T/drive.out" | grep -v ' 20[02]$\| 0$' | head -60
eq "the driver ran to its end (its exit status)" "$drive_rc" 0
ncases=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$FIX/hostile/strings.json")
eq "every Alertmanager post was answered 2xx or 4xx (never 5xx)" \
    "$(grep -c '^am .* [24][0-9][0-9]$' "$T/drive.out")" "$ncases"
eq "every Events v2 post was answered 2xx or 4xx (never 5xx)" \
    "$(grep -c '^ev2 .* [24][0-9][0-9]$' "$T/drive.out")" "$ncases"
nids=$(sed -n 's/^incidents \([0-9]*\) of .*/\1/p' "$T/drive.out")
eq "an incident for each post taken" "$nids" \
    "$(sed -n 's/^incidents [0-9]* of //p' "$T/drive.out")"
eq "no one-shot command crashed or hung (exit 0, 65 or 64 only)" \
    "$(grep -E '^(note|assign|ack) ' "$T/drive.out" | grep -cvE ' (0|64|65|skipped .*)$')" 0
check "bob's console lists all $nids incidents" wait_screen bob "$nids of $nids" 300

# Every incident selected in turn, top to bottom: its detail pane drawn.
tm send-keys -t "$SESS:bob" g
seen=""
for i in $(seq 1 "$nids"); do
	for _ in $(seq 1 50); do
		cap bob
		id=$(sed -n 's/^ #\([0-9][0-9]*\)  .*/\1/p' "$T/scr.bob" | head -n 1)
		case " $seen " in *" $id "*) ;; *) [ -n "$id" ] && break;; esac
		sleep 0.1
	done
	seen="$seen $id"
	tm send-keys -t "$SESS:bob" j
done
nseen=$(echo "$seen" | tr ' ' '\n' | grep -c '^[0-9]')
eq "every incident's detail pane was drawn" "$nseen" "$nids"
tm send-keys -t "$SESS:bob" G
check "the console is alive and LIVE" wait_screen bob '^ LIVE +as bob'
check "hostile text is shown as visible tokens" \
    sh -c "cat '$T'/scr.bob | grep -q '\\^\\['"
tm pipe-pane -t "$SESS:bob"
eq "the data did not set the window title" \
    "$(tm display -p -t "$SESS:bob" '#{pane_title}' | grep -c -e owned -e title)" 0
eq "the data did not set a tmux paste buffer (OSC 52)" "$(tm list-buffers | wc -l | tr -d ' ')" 0

# The raw bytes.
python3 - "$T/bob.raw" > "$T/raw.check" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
print("bytes %d" % len(raw))
bad = {
    "OSC (ESC ])": b"\x1b]", "DCS (ESC P)": b"\x1bP", "APC/PM (ESC _ ^)": b"\x1b_",
    "SOS (ESC X)": b"\x1bX", "BEL": b"\x07", "NUL": b"\x00",
    "CSI 31m before 'red'": b"\x1b[31mred", "CSI 10;10H before 'moved'":
    b"\x1b[10;10Hmoved", "CSI 6n (a report request)": b"\x1b[6n",
    "CR overwrite": b"critical\rresolved", "BS overwrite": b"critical\x08",
    "U+009B (C1 CSI)": "\u009b".encode(), "U+009D (C1 OSC)": "\u009d".encode(),
    "U+009C (C1 ST)": "\u009c".encode(), "U+202E (bidi override)":
    "\u202e".encode(), "U+202C (bidi pop)": "\u202c".encode(),
    "U+200B (zero width space)": "\u200b".encode(), "U+200D (ZWJ)":
    "\u200d".encode(), "U+FEFF (BOM)": "\ufeff".encode(),
}
for name, seq in bad.items():
    print("%d %s" % (raw.count(seq), name))
# raw 8-bit C1 bytes outside UTF-8 sequences
text = raw.decode("utf-8", errors="surrogateescape")
c1 = sum(1 for ch in text if 0xdc80 <= ord(ch) <= 0xdcff)
print("%d bytes that are not UTF-8 (raw C1 0x9b, 0x9d...)" % c1)
PY
bytes=$(sed -n 's/^bytes //p' "$T/raw.check")
check "the capture has the console's drawing (${bytes:-0} bytes)" [ "${bytes:-0}" -gt 10000 ]
sed 1d "$T/raw.check" | while read -r count what; do
	eq "no $what from the data in the raw output" "$count" 0
done > "$T/raw.results"
cat "$T/raw.results"
FAILS=$((FAILS + $(grep -c '^  FAIL' "$T/raw.results")))
CHECKS=$((CHECKS + $(wc -l < "$T/raw.results")))
echo "  figure hostile-screen: $ncases cases, $nids incidents with their detail panes, ${bytes:-0} raw bytes checked"
finish
