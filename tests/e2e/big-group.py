#!/usr/bin/env python3
# big-group.py N OUT: an Alertmanager webhook body for one group of N firing
# alerts shaped like a Kubernetes storm (about 1.1 KB an alert: 1,500 alerts
# make the 1.6 MB body the issue saw, 15,000 about 16 MB).
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
alerts = []
for i in range(n):
    pod = "checkout-7d9f8b6c4-%05d" % i
    labels = {
        "alertname": "KubePodCrashLooping", "severity": "warning",
        "namespace": "shop-prod", "pod": pod, "container": "checkout",
        "job": "kube-state-metrics", "service": "checkout",
        "instance": "10.42.%d.%d:8080" % (i // 250, i % 250),
        "cluster": "eu-west-1-prod", "prometheus": "monitoring/k8s",
        "endpoint": "http", "reason": "CrashLoopBackOff",
    }
    alerts.append({
        "status": "firing", "labels": labels,
        "annotations": {
            "summary": "Pod shop-prod/%s is crash looping" % pod,
            "description": ("Pod shop-prod/%s (checkout) is in waiting state "
                            "(reason: CrashLoopBackOff) for longer than 15 minutes; "
                            "it has restarted %d times in the last hour. Check the "
                            "container logs and the last deploy." % (pod, i % 17 + 3)),
            "runbook_url": "https://runbooks.example/kubernetes/kubepodcrashlooping",
        },
        "startsAt": "2026-12-01T20:%02d:%02d.%09dZ" % (i // 60 % 60, i % 60, i),
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus-k8s-0:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Breason%3D%22CrashLoopBackOff%22%2Cjob%3D%22kube-state-metrics%22%7D%5B5m%5D%29+%3E%3D+1&g0.tab=1",
        "fingerprint": "%016x" % (0x9e3779b97f4a7c15 * (i + 1) % (1 << 64)),
    })
body = {
    "receiver": "warroom", "status": "firing", "alerts": alerts,
    "groupLabels": {"alertname": "KubePodCrashLooping"},
    "commonLabels": {"alertname": "KubePodCrashLooping", "severity": "warning",
                     "namespace": "shop-prod", "service": "checkout"},
    "commonAnnotations": {}, "externalURL": "http://alertmanager-0:9093",
    "version": "4", "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}",
    "truncatedAlerts": 0,
}
with open(out, "w") as f:
    json.dump(body, f, separators=(",", ":"))
