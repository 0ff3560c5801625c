# A real Prometheus Alertmanager delivering to a warroomd: its config and
# its start.  Sourced by ../lib.sh and by scripts/bench-amtool.sh (a folder
# of its own: the suite runs tests/e2e/*.sh); defines functions only.
# am_config and am_start read $T (the scratch directory), $AM (the
# alertmanager binary, as am_need finds it) and AM_NAME (the instance's
# name, "am" unless set: its files are $T/NAME.yml, NAME.token, NAME-data
# and NAME.log).
#
# am_need [skip]: AM, the alertmanager binary (prometheus-alertmanager or
# alertmanager on PATH); without it or amtool the test fails (exit 1), or
# with "skip" says it is skipped (exit 0).
am_need() {
	AM=$(command -v prometheus-alertmanager || command -v alertmanager)
	[ -n "$AM" ] && command -v amtool >/dev/null && return 0
	if [ "${1:-}" = skip ]; then
		echo "  skipped: prometheus-alertmanager and amtool are not" \
		    "installed (make deps)"
		exit 0
	fi
	echo "  FAIL prometheus-alertmanager and amtool are needed (make deps)"
	exit 1
}

# am_config GROUP_BY [LINE...]: $T/NAME.yml, one route to the relay's
# Alertmanager hook at $URL, grouped by GROUP_BY ("[alertname, service]"),
# sent at once (group_wait 0s, group_interval 1s), resolves too, with the
# bearer token in $T/NAME.token (the caller writes it); each LINE
# ("max_alerts: 5") is one more key of the webhook's config.
am_config() {
	_g=$1
	shift
	{
		cat <<EOT
route:
  receiver: warroom
  group_by: $_g
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: warroom
    webhook_configs:
      - url: $URL/hooks/alertmanager
        send_resolved: true
EOT
		for _l in "$@"; do printf '        %s\n' "$_l"; done
		cat <<EOT
        http_config:
          authorization:
            type: Bearer
            credentials_file: $T/${AM_NAME:-am}.token
EOT
	} > "$T/${AM_NAME:-am}.yml"
}

# am_start: that Alertmanager on $AMPORT ($AMURL, its URL, set by the
# caller), no gossip; 0 once it answers ready (10 s at most), its pid in
# AMPID and added to PIDS.
am_start() {
	"$AM" --config.file="$T/${AM_NAME:-am}.yml" \
	    --storage.path="$T/${AM_NAME:-am}-data" \
	    --web.listen-address="127.0.0.1:$AMPORT" --cluster.listen-address= \
	    --log.level=warn >>"$T/${AM_NAME:-am}.log" 2>&1 &
	AMPID=$!
	PIDS="${PIDS:-} $AMPID"
	for _ in $(seq 1 100); do
		curl -fs "$AMURL/-/ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
