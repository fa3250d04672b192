// Command bench measures an AWS-compatible endpoint — unkai, or a peer such
// as moto_server, dynalite or MinIO — from the outside, the way clients see
// it:
//
//	bench load  -endpoint http://127.0.0.1:4566 -op dynamodb.ListTables -c 32 -d 10s
//	bench load  -endpoint http://127.0.0.1:9000 -access-key benchadmin -secret-key benchadmin-secret -op s3.PutObject -size 4K -c 16 -d 10s
//	bench load  -op s3.Multipart -size 1G -part 8M -c 4 -n 1 -timeout 5m
//	bench start -n 20 -- /tmp/unkai --data-dir {data} --addr 127.0.0.1:4599
//	bench rss   -runs 3 -- /tmp/unkai --ephemeral --addr 127.0.0.1:4599
//	bench ops
//
// load drives one operation with SigV4-signed requests from concurrent
// keep-alive clients and reports throughput, latency percentiles and errors;
// start times process start to listening; rss reads a running server's
// resident memory. bench/peers/ holds scripts that install and run peers
// (MinIO) on loopback. Every subcommand takes -json for machine-readable output.
// Run start and rss against a pre-built binary, not `go run`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: bench <command> [flags]

commands:
  load    drive one operation at an endpoint and report req/s, latency and errors
  start   time a server command from process start to listening, over N runs
  rss     start a server, wait until ready, and report its resident memory
  ops     list the operations load knows

run "bench <command> -h" for the flags of a command.
`

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "load":
		err = runLoad(ctx, args[1:], stdout, stderr)
	case "start":
		err = runStart(ctx, args[1:], stdout, stderr)
	case "rss":
		err = runRSS(ctx, args[1:], stdout, stderr)
	case "ops":
		printOps(stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "bench: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
}

// errUsage marks errors in how bench was called.
var errUsage = errors.New("usage")
