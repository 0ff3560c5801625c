#!/bin/sh
# warroom stats against a real relay: the time to acknowledge runs to the
# FIRST acknowledgement's made_at (an unack and a second ack by someone
# else do not move it; it used to run to the current ack), --json's shape
# (mtta and mttr in seconds with n, mean, p50, p90; groups; people;
# hours), --by service and --by person, each person's acks and
# resolutions, and bad input (--since banana, --by colour) is exit 64
# with a sentence saying what is wrong, before any connection.
. "$(dirname "$0")/lib.sh"
echo "stats: MTTA to the first ack, --json shape, --by, bad input"
make_tokens
start_relay || exit 1

trigger() { # trigger KEY SERVICE SEVERITY
	cat >"$T/ev.json" <<EOJ
{"routing_key": "R0UT1NGK3Y0000000000000000000001", "event_action": "trigger",
 "dedup_key": "$1", "payload": {"summary": "$1 is down", "source": "$1.prod",
 "severity": "$3", "custom_details": {"service": "$2"}, "group": "$2"}}
EOJ
	post /v2/enqueue "$T/ev.json"
}
W() { "$WARROOM" "$@" --feed "$FEED" --token-file "$T/ops.token" --db "$T/c.db"; }
# py_checks NAME: the Python on stdin, after a prelude that gives it T,
# load(FILE) (the JSON in $T/FILE, {} when it is not there or not JSON) and
# say(F, WHAT) (a check: "ok   WHAT" when F() is true, "FAIL WHAT" when it
# is false or raises); each line it prints ($T/NAME.out) is a check here,
# a traceback a failed one.
py_checks() {
	{ cat <<'EOP'
import json, sys
T = sys.argv[1]
def load(n):
    try:
        return json.load(open(f"{T}/{n}"))
    except Exception:
        return {}
def say(f, what):
    try:
        ok = f()
    except Exception as e:
        ok, what = False, f"{what} ({type(e).__name__}: {e})"
    print(("ok   " if ok else "FAIL ") + what)
EOP
	cat; } | python3 - "$T" >"$T/$1.out" 2>&1
	[ -s "$T/$1.out" ] || fail "the Python checks ($1) said nothing"
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "${line#ok   }" ;;
		*) fail "${line#FAIL }" ;;
		esac
	done <"$T/$1.out"
}

eq "trigger 1" "$(trigger db-lag payments critical)" 202
eq "trigger 2" "$(trigger api-5xx checkout warning)" 202
eq "trigger 3" "$(trigger disk-full checkout warning)" 202
W ack 1 --user alice >/dev/null 2>&1; eq "alice acks #1" "$?" 0
W unack 1 --user alice >/dev/null 2>&1; eq "alice takes it back" "$?" 0
W ack 1 --user bob >/dev/null 2>&1; eq "bob acks #1 again" "$?" 0
W resolve 1 --user alice >/dev/null 2>&1; eq "alice resolves #1" "$?" 0
W ack 2 --user bob >/dev/null 2>&1; eq "bob acks #2" "$?" 0

W export 1 --json >"$T/e1.json" 2>"$T/e1.err"; eq "export 1" "$?" 0
W export 2 --json >"$T/e2.json" 2>"$T/e2.err"; eq "export 2" "$?" 0
W stats --json >"$T/s.json" 2>"$T/s.err"; eq "stats --json exits 0" "$?" 0
W stats --json --by service >"$T/svc.json" 2>"$T/svc.err"
eq "stats --by service exits 0" "$?" 0
W stats --json --by person >"$T/per.json" 2>"$T/per.err"
eq "stats --by person exits 0" "$?" 0
W stats --by severity >"$T/sev.txt" 2>"$T/sev.err"
eq "stats --by severity (text) exits 0" "$?" 0

py_checks py <<'EOP'
e1, e2, s = load("e1.json"), load("e2.json"), load("s.json")
svc, per = load("svc.json"), load("per.json")
acks = [ev for ev in e1.get("timeline", []) if ev["kind"] == "acknowledged"]
say(lambda: len(acks) == 2 and acks[0]["made_at"] != acks[1]["made_at"],
    "#1 has two acknowledgements made at different times")
first = [e1.get("time_to_ack_ms", 0), e2.get("time_to_ack_ms", 0)]
want = int(sum(first) / 2 + 0.5)  # half away from zero, as SQLite
say(lambda: s["mean_time_to_ack_ms"] == want,
    f"mean time to ack is to the first acks: {s.get('mean_time_to_ack_ms')} == {want}")
say(lambda: abs(s["mtta"]["mean"] - want / 1000) < 0.0015,
    f"mtta.mean is in seconds, ~ {want / 1000}")
for k in ("mtta", "mttr"):
    say(lambda: sorted(s[k]) == ["mean", "n", "p50", "p90"], f"{k} has n, mean, p50, p90")
say(lambda: s["mtta"]["n"] == 2 and s["mttr"]["n"] == 1, "two acknowledged, one resolved")
say(lambda: abs(s["mtta"]["p90"] - max(first) / 1000) < 0.0015, "mtta.p90 is the larger")
say(lambda: abs(s["mtta"]["p50"] - min(first) / 1000) < 0.0015, "mtta.p50 is the smaller")
say(lambda: s["mttr"]["p50"] is not None and s["mttr"]["p50"] >= s["mtta"]["p50"],
    "mttr.p50 is a time in seconds, after the ack")
say(lambda: s["incidents"] == 3, "three incidents in the window")
say(lambda: len(s["hours_utc"]) == 24 and sum(s["hours_utc"]) == 3, "24 hours, 3 incidents")
say(lambda: len(s["busiest_hours"]) == 1 and s["busiest_hours"][0]["incidents"] == 3,
    "the busiest hour has the three")
say(lambda: s["by"] is None and s["groups"] == [], "no --by, no groups")
people = {p["name"]: p for p in s.get("people", [])}
say(lambda: people["alice"]["acks"] == 1 and people["alice"]["resolves"] == 1,
    "alice: 1 ack, 1 resolve")
say(lambda: people["bob"]["acks"] == 2 and people["bob"]["resolves"] == 0,
    "bob: 2 acks")
say(lambda: people and all(set(p) == {"name", "acks", "resolves", "escalations",
    "notifications", "out_of_hours", "oncall_hours"} for p in people.values()),
    "each person's keys")
g = {x["key"]: x for x in svc.get("groups", [])}
say(lambda: svc["by"] == "service" and set(g) == {"payments", "checkout"},
    f"by service: {sorted(g)}")
say(lambda: g["checkout"]["incidents"] == 2 and g["checkout"]["mtta"]["n"] == 1,
    "checkout: 2 incidents, 1 acknowledged")
say(lambda: g["payments"]["mttr"]["n"] == 1, "payments: 1 resolved")
h = {x["key"]: x for x in per.get("groups", [])}
say(lambda: set(h) == {"alice", "bob", ""}, f"by person (the first to ack): {sorted(h)}")
say(lambda: abs(h["alice"]["mtta"]["mean"] - first[0] / 1000) < 0.0015,
    "alice's group has #1's time to her ack")
EOP
check "the text has the times to acknowledge" grep -q '^time to acknowledge' "$T/sev.txt"
check "the text is by severity" grep -q '^  warning' "$T/sev.txt"

# A copy that is behind: the replay brings an acknowledgement and a
# resolution of incidents it has already.  stats loads its room only when
# there is something to catch up on (and must then: the reducer changes
# the incidents it holds); with nothing to, it prints the same numbers
# from the store alone.
W2() { "$WARROOM" "$@" --feed "$FEED" --token-file "$T/ops.token" --db "$T/c2.db"; }
W2 stats --json >"$T/b1.json" 2>"$T/b1.err"; eq "a second copy catches up" "$?" 0
W ack 3 --user carol >/dev/null 2>&1; eq "carol acks #3" "$?" 0
W resolve 2 --user bob >/dev/null 2>&1; eq "bob resolves #2" "$?" 0
W2 stats --json >"$T/b2.json" 2>"$T/b2.err"; eq "it catches up again" "$?" 0
W2 stats --json >"$T/b3.json" 2>"$T/b3.err"; eq "and once more, nothing new" "$?" 0
W stats --json >"$T/a2.json" 2>"$T/a2.err"; eq "stats on the first copy" "$?" 0
W2 list --json >"$T/l2.json" 2>"$T/l2.err"; eq "list on the second copy" "$?" 0
py_checks py2 <<'EOP'
b1, b2, b3, a2 = load("b1.json"), load("b2.json"), load("b3.json"), load("a2.json")
def bare(s):
    return {k: v for k, v in s.items() if k not in ("since", "until")}
say(lambda: b1["by_state"] == {"triggered": 1, "acknowledged": 1, "resolved": 1},
    f"the copy as it was: {b1.get('by_state')}")
say(lambda: b2["by_state"] == {"triggered": 0, "acknowledged": 1, "resolved": 2},
    f"after the replay: #3 acknowledged, #2 resolved: {b2.get('by_state')}")
say(lambda: b2["open_by_severity"] == {"critical": 0, "error": 0, "warning": 1, "info": 0},
    f"one open, a warning: {b2.get('open_by_severity')}")
people = {p["name"]: p for p in b2.get("people", [])}
say(lambda: people["carol"]["acks"] == 1 and people["bob"]["resolves"] == 1,
    "carol's ack and bob's resolution are counted")
say(lambda: b2["mtta"]["n"] == 3 and b2["mttr"]["n"] == 2, "three acknowledged, two resolved")
say(lambda: b2["seq"] == a2["seq"] and b2["seq"] > b1["seq"], "at the relay's seq")
say(lambda: bare(b2) == bare(a2), "the same numbers as the copy that made the ops")
say(lambda: bare(b3) == bare(b2), "and the same with nothing to catch up on")
l2 = json.load(open(f"{T}/l2.json"))
rows = l2 if isinstance(l2, list) else l2.get("incidents", [])
say(lambda: sorted(r["state"] for r in rows) == ["acknowledged", "resolved", "resolved"],
    "list on the second copy agrees")
EOP

# bad input: 64, a sentence, and nothing printed on stdout
"$WARROOM" stats --since banana --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/c.db" >"$T/bad1.out" 2>"$T/bad1.err"
eq "--since banana exits 64" "$?" 64
check "and says what a window is" grep -q "since: 'banana' is neither a duration" "$T/bad1.err"
"$WARROOM" stats --by colour --feed "$FEED" --token-file "$T/ops.token" \
    --db "$T/c.db" >"$T/bad2.out" 2>"$T/bad2.err"
eq "--by colour exits 64" "$?" 64
check "and names the keys" grep -q "by: 'colour' is not service, severity, person or policy" "$T/bad2.err"
"$WARROOM" stats --since 1d --until 2d --feed "$FEED" \
    --token-file "$T/ops.token" --db "$T/c.db" >/dev/null 2>"$T/bad3.err"
eq "an empty window exits 64" "$?" 64
eq "nothing on stdout for bad input" "$(cat "$T/bad1.out" "$T/bad2.out")" ""
finish
