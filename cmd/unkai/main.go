// Command unkai runs the AWS cloud on your own machine.
//
//	unkai [serve] [flags]   run the server (default)
//	unkai version           print the version
//	unkai coverage [API...] print implemented/total operations per API, or
//	                        list one API's served (+) and missing (-) operations
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/unkai-cloud/unkai/internal/app"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "version" || args[0] == "coverage" || args[0] == "help") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "unkai", app.Version)
		return 0
	case "coverage":
		if err := app.PrintCoverage(stdout, args...); err != nil {
			fmt.Fprintln(stderr, "unkai:", err)
			return 1
		}
		return 0
	case "help":
		fmt.Fprintln(stdout, "usage: unkai [serve] [flags] | unkai version | unkai coverage [API...]")
		app.ParseConfig([]string{"-h"}, getenv, stdout)
		return 0
	}
	cfg, err := app.ParseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "unkai:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "unkai:", err)
		return 1
	}
	return 0
}
