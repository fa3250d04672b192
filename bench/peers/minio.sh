#!/usr/bin/env bash
# minio.sh installs MinIO from the Go module proxy and runs it on loopback,
# as a peer for `bench load` S3 ops. Nothing is written to the repository.
#
#   bench/peers/minio.sh install          # go install into $PEERS/bin
#   bench/peers/minio.sh start [DATADIR]  # run in the background, wait until ready
#   bench/peers/minio.sh stop             # stop the server started by start
#
# Environment: PEERS (default /tmp/peers), MINIO_VERSION (default latest),
# MINIO_ADDR (default 127.0.0.1:9000), MINIO_ROOT_USER / MINIO_ROOT_PASSWORD
# (default benchadmin / benchadmin-secret; pass them to bench as
# -access-key / -secret-key). start prints the server's pid; bench load takes
# it as -pid to report the server's CPU time and peak memory.
set -euo pipefail

PEERS=${PEERS:-/tmp/peers}
MINIO_VERSION=${MINIO_VERSION:-latest}
MINIO_ADDR=${MINIO_ADDR:-127.0.0.1:9000}
export MINIO_ROOT_USER=${MINIO_ROOT_USER:-benchadmin}
export MINIO_ROOT_PASSWORD=${MINIO_ROOT_PASSWORD:-benchadmin-secret}
# No update checks, no telemetry callbacks, no console listener to wait for.
export MINIO_UPDATE=off MINIO_BROWSER=off
bin=$PEERS/bin/minio
pidfile=$PEERS/minio.pid

case ${1:-} in
install)
	mkdir -p "$PEERS/bin"
	# Building MinIO takes minutes of CPU on a small machine: be nice.
	GOBIN=$PEERS/bin GOFLAGS=-buildvcs=false nice -n 10 go install "github.com/minio/minio@$MINIO_VERSION"
	go version -m "$bin" | awk '$1 == "mod" && $2 == "github.com/minio/minio" { print "installed minio", $3 }'
	;;
start)
	[ -x "$bin" ] || { echo "minio.sh: $bin missing; run: $0 install" >&2; exit 1; }
	dir=${2:-$(mktemp -d "$PEERS/minio-data.XXXXXX")}
	mkdir -p "$dir"
	"$bin" server "$dir" --address "$MINIO_ADDR" --quiet >"$PEERS/minio.log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 100); do
		if curl -fsS -o /dev/null "http://$MINIO_ADDR/minio/health/ready" 2>/dev/null; then
			echo "minio ready at http://$MINIO_ADDR (pid $(cat "$pidfile"), data $dir)"
			exit 0
		fi
		kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$PEERS/minio.log" >&2; exit 1; }
		sleep 0.2
	done
	echo "minio.sh: not ready after 20s; log: $PEERS/minio.log" >&2
	exit 1
	;;
stop)
	[ -f "$pidfile" ] || exit 0
	pid=$(cat "$pidfile")
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	rm -f "$pidfile"
	;;
*)
	echo "usage: $0 install | start [DATADIR] | stop" >&2
	exit 2
	;;
esac
