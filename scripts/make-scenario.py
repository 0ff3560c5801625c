#!/usr/bin/env python3
"""Write scenarios/outage.jsonl, the demo's recorded outage.

A checkout service's error rate climbs, a database disk fills, an edge-node
storm of 300 alerts arrives in growing deliveries and then resolves on its
own, a PagerDuty-style replication alarm fires, and a responder (maya)
acknowledges, hands the edge storm to sam, writes notes and takes the
secondary pager for two hours while its owner is busy; sam, the checkout
incident's second responder, adds what he found to it and at the end
starts its postmortem.  Times are "@N": N seconds
after the replay starts (see warroom-scenario(5)).  Run it again after a
change; the output is deterministic.
"""
import json, sys

out = []

def am(at, alertname, service, severity, alerts, summary=None, status="firing", common_extra=None, group_labels=None):
    gl = group_labels or {"alertname": alertname, "service": service}
    gk = "{}:{" + ", ".join('%s="%s"' % (k, v) for k, v in sorted(gl.items())) + "}"
    common = {"alertname": alertname, "service": service, "severity": severity}
    if common_extra:
        common.update(common_extra)
    body = {
        "receiver": "warroom", "status": status, "alerts": alerts,
        "groupLabels": gl, "commonLabels": common,
        "commonAnnotations": ({"summary": summary} if summary else {}),
        "externalURL": "http://alertmanager.example:9093", "version": "4",
        "groupKey": gk, "truncatedAlerts": 0,
    }
    out.append({"at": at, "source": "alertmanager", "body": body})

def alert(labels, annotations, starts, fp, ends=None):
    return {"status": "resolved" if ends else "firing", "labels": labels,
            "annotations": annotations, "startsAt": "@%d" % starts,
            "endsAt": ("@%d" % ends) if ends else "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.example:9090/graph", "fingerprint": fp}

def op(at, kind, actor, source, key, text=None):
    line = {"at": at, "op": kind, "actor": actor, "source": source, "key": key}
    if text:
        line["text"] = text
    out.append(line)

CK = '{}:{alertname="CheckoutHighErrorRate", service="checkout"}'
ck_ann = {"summary": "checkout 5xx rate 4.2% (SLO 0.5%)",
          "runbook_url": "https://runbooks.example/checkout/high-error-rate",
          "dashboard": "https://grafana.example/d/checkout-golden-signals"}
ck = lambda starts, ends=None: alert({"alertname": "CheckoutHighErrorRate", "service": "checkout",
    "severity": "critical", "team": "payments", "region": "eu-west-1"}, ck_ann, starts, "a1c0ffee00000001", ends)
am(0.5, "CheckoutHighErrorRate", "checkout", "critical", [ck(-60)], ck_ann["summary"])

out.append({"at": 2, "source": "events-v2", "body": {
    "routing_key": "R0UT1NGK3Y0000000000000000000001", "event_action": "trigger",
    "dedup_key": "payments-db-replication-lag",
    "payload": {"summary": "Replication lag on payments-db-2 is 340s", "source": "payments-db-2.prod",
                "severity": "error", "component": "postgres", "group": "payments",
                "custom_details": {"lag_seconds": 340, "primary": "payments-db-1.prod"}},
    "links": [{"href": "https://grafana.example/d/pg-replication", "text": "Replication dashboard"}],
    "client": "Datadog Monitor"}})

op(5, "ack", "maya", "alertmanager", CK)
op(7, "note", "maya", "alertmanager", CK, "5xx started with the 14:02 deploy of checkout v2.31; rolling back")

disk_ann = {"summary": "/var/lib/postgresql on db-1 will be full in 4h",
            "runbook_url": "https://runbooks.example/db/disk-filling"}
DK = '{}:{alertname="DiskWillFillIn4h", service="postgres"}'
am(9, "DiskWillFillIn4h", "postgres", "warning",
   [alert({"alertname": "DiskWillFillIn4h", "service": "postgres", "severity": "warning",
           "instance": "db-1:9100", "mountpoint": "/var/lib/postgresql"}, disk_ann, -300, "d15c0000000000a1")],
   disk_ann["summary"])

def edge(i, starts, ends=None):
    return alert({"alertname": "EdgeNodeDown", "service": "edge", "severity": "critical",
                  "instance": "edge-%03d.ams.example:9100" % i, "pop": "ams"},
                 {"summary": "edge node edge-%03d unreachable" % i}, starts, "e0e0%012x" % i, ends)
EK = '{}:{alertname="EdgeNodeDown", service="edge"}'
for at, n in ((12, 40), (16, 150), (20, 300)):
    am(at, "EdgeNodeDown", "edge", "critical", [edge(i, 10) for i in range(1, n + 1)])
op(22, "note", "maya", "alertmanager", EK, "AMS PoP lost upstream at 14:11; transit provider ticket opened")
op(24, "assign", "maya", "alertmanager", EK, "sam")

full_ann = {"summary": "/var/lib/postgresql on db-1 is 97% full",
            "runbook_url": "https://runbooks.example/db/disk-full"}
am(28, "DiskFull", "postgres", "critical",
   [alert({"alertname": "DiskFull", "service": "postgres", "severity": "critical",
           "instance": "db-1:9100", "mountpoint": "/var/lib/postgresql"}, full_ann, 25, "d15cf011000000b2")],
   full_ann["summary"])
op(31, "ack", "maya", "alertmanager", '{}:{alertname="DiskFull", service="postgres"}')
# sam, handed the edge, joins checkout too: its second responder
op(33, "note", "sam", "alertmanager", CK, "only the v2.31 pods return 5xx; v2.30 pods are clean")

out.append({"at": 34, "source": "events-v2", "body": {
    "routing_key": "R0UT1NGK3Y0000000000000000000001", "event_action": "trigger",
    "payload": {"summary": "Synthetic check: checkout page load 8.1s from 3 regions", "source": "synthetics",
                "severity": "warning", "component": "checkout-web"}}})

# the edge storm resolves on its own, in waves
for at, upto in ((40, 100), (50, 220), (62, 300)):
    am(at, "EdgeNodeDown", "edge", "critical",
       [edge(i, 10, at - 1) if i <= upto else edge(i, 10) for i in range(1, 301)],
       status="resolved" if upto == 300 else "firing")

am(45, "CheckoutHighErrorRate", "checkout", "critical", [ck(-60, 44)], ck_ann["summary"], status="resolved")
# a schedule-wide op: no source or key; its times are "@N" too
out.append({"at": 35, "op": "override", "actor": "maya", "schedule": "secondary",
            "person": "maya", "from": "@35", "until": "@7235"})
op(47, "note", "maya", "alertmanager", CK, "rollback done at 14:19; 5xx back under 0.3%")
op(52, "note", "maya", "events-v2", "payments-db-replication-lag", "replica caught up after vacuum finished")
out.append({"at": 53, "source": "events-v2", "body": {
    "routing_key": "R0UT1NGK3Y0000000000000000000001", "event_action": "resolve",
    "dedup_key": "payments-db-replication-lag"}})

weird = {"alertname": "QueueBacklog", "service": "orders", "severity": "page",
         "queue": "commandes-prioritaires", "owner": "équipe-paiements"}
am(58, "QueueBacklog", "orders", "page",
   [alert(weird, {"summary": "orders queue backlog 12k (oldest 9 min)"}, 50, "0bac000000000c01")],
   "orders queue backlog 12k (oldest 9 min)")

# checkout's second responder (sam) starts its postmortem once it is
# over: the first version (base 0: made from nothing)
out.append({"at": 60, "op": "postmortem", "actor": "sam", "source": "alertmanager", "key": CK,
            "base": 0, "text": "\n".join([
    "# Postmortem: checkout 5xx rate 4.2% (SLO 0.5%)",
    "",
    "## Summary",
    "The 14:02 deploy of checkout v2.31 raised the 5xx rate to 4.2% for 17 minutes;",
    "maya rolled it back, sam found that only the v2.31 pods failed.",
    "",
    "## Impact",
    "About 4% of checkout requests failed between 14:02 and 14:19.",
    "",
    "## Root cause",
    "To be written with the payments team.",
    "",
    "## Action items",
    "- [ ] maya: add a canary stage with an error-rate gate to checkout deploys",
    "- [ ] sam: alert on the 5xx rate per deploy, not per hour",
    ""])})

with open(sys.argv[1] if len(sys.argv) > 1 else "scenarios/outage.jsonl", "w") as f:
    f.write("# warroom demo: a recorded outage (generated by scripts/make-scenario.py)\n")
    for line in sorted(out, key=lambda l: l["at"]):
        f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
