#!/bin/sh
# Duplicate, out-of-order and replayed deliveries from two senders at once.
# Two ingest tokens (am-a, am-b) each send the same real Alertmanager
# deliveries (tests/fixtures/alertmanager-real) and the same Events v2
# bodies (tests/fixtures/pagerduty-events-v2, the routing_key being the
# token): four streams posted concurrently, each in a shuffled order (a
# fixed seed, printed), every delivery several times, some copies of one
# body at the very same moment, with a resolved delivery before its firing
# one and an old firing delivery replayed after the newer resolve.
#
# The expected state is computed here, in python, from DESIGN.md's identity
# rules (as core/room.c plans them): an incident is source + sender + key,
# so two senders never share one; an occurrence is fingerprint + start;
# a resolve ends the firing occurrence of its fingerprint whose start is
# not after its end (startsAt = endsAt: the firing one of the fingerprint);
# a resolved incident is reopened by nothing but a new occurrence (for
# Events v2, PagerDuty's rule: any trigger after the resolve); a delivery
# that leaves alerts out never resolves.  The relay's final state must be
# the model's for the order the deliveries arrived in, and the same as a
# second relay's that got each delivery once, in order.
. "$(dirname "$0")/../e2e/lib.sh"
echo "two senders: duplicate, out-of-order and replayed deliveries at once"
SEED=${SEED:-$(date +%s)}
echo "  (seed $SEED: SEED=$SEED sh $0 repeats this order)"

TOK_A=ama0123456789abcdef0123456789
TOK_B=amb0123456789abcdef0123456789
TOK_OPS=ops0123456789abcdef0123456789
cat > "$T/tokens" <<EOT
am-a $TOK_A ingest
am-b $TOK_B ingest
ops $TOK_OPS console
EOT
chmod 600 "$T/tokens"
mkdir -p "$T/b"

# The plan: the bodies (each sender's routing_key put in), one stream file
# per sender and source (lines "BODY COPIES", in the order to post), and the
# same deliveries once, in order.
python3 - "$FIX" "$T" "$SEED" "$TOK_A" "$TOK_B" <<'PY' || exit 1
import json, random, sys
fix, t, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
toks = {"am-a": sys.argv[4], "am-b": sys.argv[5]}
rnd = random.Random(seed)
am = fix + "/alertmanager-real/"
ev = fix + "/pagerduty-events-v2/"
# Alertmanager: three groups, each a firing delivery and its resolve.
p0 = json.load(open(am + "group-by-all-priority-p0.json"))
p0r = json.loads(json.dumps(p0))	# the group's resolve, as AM sends it
p0r["status"] = "resolved"
for a in p0r["alerts"]:
    a["status"] = "resolved"
    a["endsAt"] = "2026-12-01T21:05:00Z"
groups = [
    [("nothing-firing", json.load(open(am + "group-by-nothing-firing.json"))),
     ("nothing-partly-resolved",
      json.load(open(am + "group-by-nothing-partly-resolved.json")))],
    [("nostart-firing", json.load(open(am + "nostart-firing.json"))),
     ("nostart-resolve",
      json.load(open(am + "nostart-resolve-starts-equals-ends.json")))],
    [("p0-firing", p0), ("p0-resolved", p0r)],
]
# Events v2: three dedup_keys, each trigger, acknowledge, resolve.
keys = [("pd", "trigger", "acknowledge", "resolve"),
        ("zbx", "zabbix-trigger", "zabbix-acknowledge", "zabbix-resolve"),
        ("gopd", "go-pagerduty-trigger", "go-pagerduty-acknowledge",
         "go-pagerduty-resolve")]

def shuffled_am(copies=3):
    """Copies of each group's F and R, shuffled until: the first R comes
    before the first F (a resolve before its firing), an R after the first
    F, and the last F after the last R (an old delivery replayed after the
    newer one)."""
    while True:
        seq = []
        for g in groups:
            seq += [g[0][0]] * copies + [g[1][0]] * copies
        rnd.shuffle(seq)
        good = True
        for (f, _), (r, _) in groups:
            fi = [i for i, x in enumerate(seq) if x == f]
            ri = [i for i, x in enumerate(seq) if x == r]
            if not (ri[0] < fi[0] and ri[-1] > fi[0] and fi[-1] > ri[-1]):
                good = False
        if good:
            return seq

def shuffled_ev():
    """Per key: a resolve and an acknowledge before any trigger; then the
    triggers and acknowledges shuffled (a trigger replayed after the newer
    acknowledge, an acknowledge after the first trigger); then the
    resolves.  The streams of the three keys interleaved at random."""
    per = []
    for name, trg, ack, res in keys:
        while True:
            mid = [name + "-t"] * 3 + [name + "-a"] * 2
            rnd.shuffle(mid)
            ti = [i for i, x in enumerate(mid) if x.endswith("-t")]
            ai = [i for i, x in enumerate(mid) if x.endswith("-a")]
            if ai[-1] > ti[0] and ti[-1] > ai[0]:
                break
        per.append([name + "-r", name + "-a"] + mid + [name + "-r"] * 2)
    seq = []
    while any(per):
        p = rnd.choice([p for p in per if p])
        seq.append(p.pop(0))
    return seq

for sender, tok in toks.items():
    for g in groups:
        for name, body in g:
            json.dump(body, open("%s/b/%s.json" % (t, name), "w"))
    for name, trg, ack, res in keys:
        for suffix, f in (("t", trg), ("a", ack), ("r", res)):
            body = json.load(open(ev + f + ".json"))
            body["routing_key"] = tok
            json.dump(body, open("%s/b/%s-%s.%s.json" % (t, name, suffix,
                sender), "w"))
    with open("%s/stream.%s.am" % (t, sender), "w") as out:
        for name in shuffled_am():
            out.write("%s %d\n" % (name, rnd.choice([1, 1, 2, 3])))
    with open("%s/stream.%s.ev" % (t, sender), "w") as out:
        for name in shuffled_ev():
            out.write("%s.%s %d\n" % (name, sender, rnd.choice([1, 1, 2])))
    with open("%s/inorder.%s.am" % (t, sender), "w") as out:
        for g in groups:
            for name, _ in g:
                out.write("%s 1\n" % name)
    with open("%s/inorder.%s.ev" % (t, sender), "w") as out:
        for name, _, _, _ in keys:
            for s in "tar":
                out.write("%s-%s.%s 1\n" % (name, s, sender))
PY

# post_stream FILE TOKEN OUT: each line's body COPIES times at once (the
# Events v2 ones without a bearer token: the routing_key is the
# credential), one line after the other; "NAME CODE" lines to OUT.
post_stream() {
	while read -r name copies; do
		case $name in
		*.am-a|*.am-b) path=/v2/enqueue auth= ;;
		*) path=/hooks/alertmanager auth="Authorization: Bearer $2" ;;
		esac
		i=0 copies_pids=
		while [ $i -lt "$copies" ]; do
			( code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
			    ${auth:+-H "$auth"} -H 'Content-Type: application/json' \
			    --data-binary @"$T/b/$name.json" "$URL$path")
			  echo "$name $code" >> "$3" ) &
			copies_pids="$copies_pids $!"
			i=$((i + 1))
		done
		for p in $copies_pids; do wait "$p"; done
	done < "$1"
}

# dump DB OUT: the relay's incidents and their alerts, as JSON
dump() {
	sqlite3 -json "$1" "SELECT id, source, sender, key, state,
	    ack_by IS NOT NULL AS acked FROM incidents ORDER BY id" > "$2.inc"
	sqlite3 -json "$1" "SELECT incident, fingerprint, starts, firing
	    FROM alerts ORDER BY incident, fingerprint, starts" > "$2.alerts"
}

start_relay || exit 1
: > "$T/codes"
started=$(date +%s%N)
for s in am-a am-b; do
	tok=$TOK_A; [ $s = am-b ] && tok=$TOK_B
	post_stream "$T/stream.$s.am" "$tok" "$T/codes.$s.am" &
	STREAMS="${STREAMS:-} $!"
	post_stream "$T/stream.$s.ev" "$tok" "$T/codes.$s.ev" &
	STREAMS="$STREAMS $!"
done
PIDS="$PIDS $STREAMS"
for p in $STREAMS; do wait "$p"; done
took=$(( ($(date +%s%N) - started) / 1000000 ))
cat "$T"/codes.* > "$T/codes"
posted=$(wc -l < "$T/codes" | tr -d ' ')
want=$(cat "$T"/stream.* | awk '{ n += $2 } END { print n }')
eq "every copy was answered" "$posted" "$want"
eq "every copy was taken (2xx)" "$(grep -vc ' 2[0-9][0-9]$' "$T/codes")" 0
dump "$T/relay.db" "$T/got"
events=$(head_seq)
stop_relay

# The same deliveries once, in order, into a relay of their own.
PORT=$(free_port)
mv "$T/relay.db" "$T/shuffled.db"
rm -f "$T/relay.db-wal" "$T/relay.db-shm"
start_relay || exit 1
for s in am-a am-b; do
	tok=$TOK_A; [ $s = am-b ] && tok=$TOK_B
	post_stream "$T/inorder.$s.am" "$tok" "$T/codes.inorder"
	post_stream "$T/inorder.$s.ev" "$tok" "$T/codes.inorder"
done
eq "in order: every delivery taken" "$(grep -vc ' 2[0-9][0-9]$' "$T/codes.inorder")" 0
dump "$T/relay.db" "$T/once"
events_once=$(head_seq)

# The model, for the order the copies arrived in and for once in order;
# then what each relay has, against it.
python3 - "$T" > "$T/verdict" <<'PY'
import datetime, json, sys
t = sys.argv[1]

def ms(s):
    """RFC 3339 to Unix ms, sub-millisecond digits dropped (the relay's
    resolution)."""
    if s.startswith("0001-"):
        return 0
    s = s.replace("Z", "+00:00")
    main, _, rest = s.partition(".")
    frac, off = "", ""
    if rest:
        i = 0
        while i < len(rest) and rest[i].isdigit():
            i += 1
        frac, off = rest[:i], rest[i:]
    else:
        main, off = s[:19], s[19:]
    d = datetime.datetime.fromisoformat(main + off)
    return int(d.timestamp()) * 1000 + int((frac + "000")[:3])

class Incident:
    def __init__(self):
        self.state = "triggered"
        self.acked = False
        self.alerts = {}	# (fingerprint, start) -> firing

def model(lines):
    room = {}		# (source, sender, key) -> [Incident], oldest first
    arrival = [0]
    def deliver_am(body, sender):
        incs = room.setdefault(("alertmanager", sender, body["groupKey"]), [])
        newest = incs[-1] if incs else None
        is_open = newest is not None and newest.state != "resolved"
        opened = None
        ended = set()
        for a in body["alerts"]:
            fp, st = a["fingerprint"], ms(a["startsAt"])
            firing = a["status"] == "firing"
            where = next((i for i in reversed(incs) if (fp, st) in i.alerts),
                         None)
            if where is not None and (firing or where.alerts[(fp, st)]):
                if not firing:		# the known occurrence ends
                    where.alerts[(fp, st)] = False
                    ended.add(id(where))
                continue			# else a repeat: last-seen only
            if not firing:
                # a resolve whose start is not a known one: the newest
                # firing occurrence of the fingerprint starting at or
                # before its end, or (startsAt = endsAt) any firing one
                end = ms(a["endsAt"])
                cand = [k for k, f in (newest.alerts.items() if newest
                        else []) if f and k[0] == fp]
                m = [k for k in cand if k[1] <= end]
                if not m and st == end:
                    m = cand
                if m:
                    newest.alerts[max(m, key=lambda k: k[1])] = False
                    ended.add(id(newest))
                continue
            if not is_open and opened is None:
                opened = Incident()
                incs.append(opened)
            (newest if is_open else opened).alerts[(fp, st)] = True
        if body.get("truncatedAlerts", 0) <= 0:
            for i in incs:
                if id(i) in ended and i.state != "resolved" and \
                        not any(i.alerts.values()):
                    i.state = "resolved"
    def deliver_ev(body, sender):
        key = body["dedup_key"]
        incs = room.setdefault(("events-v2", sender, key), [])
        newest = incs[-1] if incs else None
        act = body["event_action"]
        if act == "trigger":
            arrival[0] += 1
            ts = (body.get("payload") or {}).get("timestamp")
            st = ms(ts) if ts else ("arrival", arrival[0])
            if newest is not None and newest.state != "resolved":
                # a trigger of an open incident's key is a repeat of it
                if any(f for (fp, _), f in newest.alerts.items()
                       if fp == key) or (key, st) in newest.alerts:
                    return
                newest.alerts[(key, st)] = True
                return
            # after a resolve (or with none yet), a new incident
            inc = Incident()
            inc.alerts[(key, st)] = True
            incs.append(inc)
        elif act == "acknowledge":
            if newest is not None and newest.state == "triggered":
                newest.state = "acknowledged"
                newest.acked = True
        elif act == "resolve":
            if newest is not None and newest.state != "resolved":
                for k in newest.alerts:
                    newest.alerts[k] = False
                newest.state = "resolved"
    for sender, name in lines:
        body = json.load(open("%s/b/%s.json" % (t, name)))
        if "groupKey" in body:
            deliver_am(body, sender)
        else:
            deliver_ev(body, sender)
    out = []
    for (source, sender, key), incs in room.items():
        for i in incs:
            out.append(norm(source, sender, key, i.state, i.acked,
                            [(fp, st, f) for (fp, st), f in i.alerts.items()]))
    return sorted(out)

def norm(source, sender, key, state, acked, alerts):
    # An Events v2 alert without a payload.timestamp starts when it
    # arrived: two relays differ there, so Events v2 starts are left out.
    al = sorted((fp, st if source == "alertmanager" else "-", bool(f))
                for fp, st, f in alerts)
    return json.dumps([source, sender, key, state, bool(acked), al])

def relay(prefix):
    names = ["triggered", "acknowledged", "resolved"]
    txt = open(prefix + ".inc").read().strip()
    incs = json.loads(txt) if txt else []
    txt = open(prefix + ".alerts").read().strip()
    alerts = json.loads(txt) if txt else []
    out = []
    for i in incs:
        al = [(a["fingerprint"], a["starts"], a["firing"]) for a in alerts
              if a["incident"] == i["id"]]
        out.append(norm(i["source"], i["sender"], i["key"],
                        names[i["state"]], i["acked"], al))
    return sorted(out)

def arrived():
    """What each sender's streams posted, in order: copies of one line
    are the same body, so one of them stands for all (the rest repeat)."""
    lines = []
    for s in ("am-a", "am-b"):
        for src in ("am", "ev"):
            for l in open("%s/stream.%s.%s" % (t, s, src)):
                lines.append((s, l.split()[0]))
    return lines

def in_order():
    lines = []
    for s in ("am-a", "am-b"):
        for src in ("am", "ev"):
            for l in open("%s/inorder.%s.%s" % (t, s, src)):
                lines.append((s, l.split()[0]))
    return lines

want = model(arrived())
want_once = model(in_order())
got, once = relay(t + "/got"), relay(t + "/once")
print("model-same", int(want == want_once))
print("got-model", int(got == want))
print("once-model", int(once == want_once))
print("got-once", int(got == once))
print("incidents", len(got))
senders = {}
for row in got:
    r = json.loads(row)
    senders.setdefault((r[0], r[2]), set()).add(r[1])
print("shared", sum(1 for v in senders.values() if len(v) != 2))
print("resolved", sum(1 for r in got if json.loads(r)[3] == "resolved"))
for name, a, b in (("relay", got, want), ("in-order relay", once, want_once)):
    for row in sorted(set(a) ^ set(b)):
        print("diff %s %s %s" % (name, "has" if row in a else "lacks", row))
PY
v() { sed -n "s/^$1 //p" "$T/verdict"; }
eq "the model gives the same state for the shuffled copies as for once in order" \
    "$(v model-same)" 1
eq "the relay's state is the model's" "$(v got-model)" 1
eq "a relay that got each delivery once, in order, has the model's state" \
    "$(v once-model)" 1
eq "and the two relays have the same state" "$(v got-once)" 1
eq "every key has an incident of each sender (two senders never share one)" \
    "$(v shared)" 0
check "some incidents were resolved ($(v resolved) of $(v incidents))" \
    [ "$(v resolved)" -gt 0 ]
grep '^diff ' "$T/verdict" | sed 's/^/    /'
echo "  figure two-senders deliveries: $posted copies of $(ls "$T/b" | wc -l | tr -d ' ') bodies, 4 streams at once, in ${took} ms"
echo "  figure two-senders events: $events (once in order: $events_once)"
echo "  figure two-senders incidents: $(v incidents), $(v resolved) resolved"
finish
