// Command ddblocal runs a standalone DynamoDB-compatible server, usable by
// any AWS SDK (point its endpoint at the printed URL), and a drop-in for
// DynamoDB Local: it accepts DynamoDB Local's flags with their meanings.
//
//	go run github.com/ddb-go/ddb/cmd/ddblocal -addr 127.0.0.1:8000 [-data DIR]
//	ddblocal -port 8000 -inMemory -sharedDb      # as java -jar DynamoDBLocal.jar would
//
// Tables and items are kept in memory unless -data names a directory; then
// they are kept in DIR/ddblocal.db and survive a restart or a crash (every
// acknowledged write is synced to disk first). The server is the one in
// package github.com/ddb-go/ddb/ddbtest; any credentials are accepted
// (signatures are not verified), and, as in DynamoDB, each region (from
// the request's signature) has its own tables.
//
// Flags:
//
//	-addr host:port   address to listen on (default 127.0.0.1:8000)
//	-data DIR         keep data in DIR, creating it if missing (default: in memory)
//	-quiet            do not print the "listening" line
//	-cpuprofile FILE  write a Go CPU profile of the server to FILE until it stops
//	-log-requests     log operation, table, HTTP status and duration of each request (slog, on stderr)
//	-log-format F     text (default) or json
//	-healthcheck      ask the server on the listen address for its health answer; exit 0 if healthy
//	-version          print the version and exit
//	-create-delay D   keep new tables CREATING for D (e.g. 500ms; default 0: at once ACTIVE)
//	-delete-delay D   keep deleted tables DELETING for D
//	-update-delay D   keep updated tables UPDATING (and new GSIs backfilling) for D
//	-stream-shard-size N  roll stream shards over after N records (default 0: never)
//	-stream-shard-age D   roll stream shards over once D old (default 0: never; DynamoDB: about 4h)
//	-console          serve the web console at /console/ (default: on only when
//	                  listening on a loopback address; -console=false turns it off)
//	-console-write    let the console change data (default: read-only)
//	-faults SPEC      inject faults: lost responses, resets, slow responses,
//	                  throttling (e.g. 'seed=1,lost=0.1,reset=0.05,ops=PutItem')
//	-faults-admin     serve /ddblocal/faults: GET the fault spec, POST a new one
//
// DynamoDB Local's flags: -port, -inMemory, -dbPath, -sharedDb,
// -delayTransientStatuses, -cors, -optimizeDbBeforeStartup,
// -disableTelemetry and -jar (ignored). Given any of them, ddblocal starts
// as DynamoDB Local does: on all interfaces, port 8000 unless -port, with
// its data in -dbPath or the current directory unless -inMemory. -help
// lists every flag.
//
// ddblocal stops gracefully on SIGINT or SIGTERM: it finishes the requests
// in progress and closes the data file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/ddb-go/ddb/ddbtest"
	"github.com/ddb-go/ddb/internal/console"
)

// transientDelay is how long -delayTransientStatuses keeps tables in their
// transient states when no -create-delay (and so on) is given.
const transientDelay = 500 * time.Millisecond

// dataFile is the name of the store file inside the -data directory.
const dataFile = "ddblocal.db"

// shutdownGrace bounds how long a stopping server waits for requests in
// progress.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program: it serves until ctx is done, and returns the
// exit code (0 after a clean shutdown, 1 on a runtime failure, 2 on bad
// usage). Errors are one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ddblocal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8000", "`host:port` to listen on")
	data := fs.String("data", "", "keep tables in `DIR` (created if missing) instead of in memory")
	quiet := fs.Bool("quiet", false, "do not print the listening line")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to `FILE` until shutdown")
	extra := defineFlags(fs)
	cons := addConsoleFlags(fs)
	faults := addFaultFlags(fs)
	createDelay := fs.Duration("create-delay", 0, "keep new tables CREATING for `duration`")
	deleteDelay := fs.Duration("delete-delay", 0, "keep deleted tables DELETING for `duration`")
	updateDelay := fs.Duration("update-delay", 0, "keep updated tables UPDATING for `duration`")
	shardSize := fs.Int("stream-shard-size", 0, "roll stream shards over after `N` records (0: never)")
	shardAge := fs.Duration("stream-shard-age", 0, "roll stream shards over once they are `duration` old (0: never; DynamoDB: about 4h)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ddblocal: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := extra.settings(fs, *addr, *data)
	if err != nil {
		fmt.Fprintf(stderr, "ddblocal: %v\n", err)
		return 2
	}
	switch {
	case extra.version:
		fmt.Fprintln(stdout, versionLine())
		return 0
	case extra.healthcheck:
		return checkHealth(ctx, cfg.addr, stdout, stderr)
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "ddblocal: "+format+"\n", a...)
		return 1
	}

	if extra.delayTransient {
		for _, d := range []*time.Duration{createDelay, deleteDelay, updateDelay} {
			if *d == 0 {
				*d = transientDelay
			}
		}
	}
	if *createDelay < 0 || *deleteDelay < 0 || *updateDelay < 0 {
		fmt.Fprintln(stderr, "ddblocal: delays cannot be negative")
		return 2
	}
	opts := []ddbtest.Option{ddbtest.WithTableDelays(*createDelay, *deleteDelay, *updateDelay),
		ddbtest.WithStreamShardSize(*shardSize), ddbtest.WithStreamShardAge(*shardAge)}
	var st ddbtest.Store
	where := "in-memory"
	if cfg.data != "" {
		if st, err = openStore(cfg.data); err != nil {
			return fail("cannot use data directory %s: %v", cfg.data, reason(err))
		}
		opts = append(opts, ddbtest.WithStore(st))
		where = cfg.data
	}
	if cfg.shared {
		opts = append(opts, ddbtest.WithSharedRegions())
	}
	srv, err := ddbtest.Open(opts...)
	if err != nil {
		if st != nil {
			st.Close()
		}
		return fail("cannot load tables from %s: %v", where, err)
	}
	defer srv.Close() // closes the store

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fail("cannot listen on %s: %v", cfg.addr, reason(err))
	}
	var rec *console.Recorder
	if extra.logRequests {
		rec = console.NewRecorder(0)
		rec.Subscribe(logRecord(newRequestLogger(stderr, cfg.logJSON)))
	}
	handler, consoleLine, err := cons.mount(allowCORS(faults.apply(srv, srv.Handler()), cfg.origins), ln.Addr(), rec)
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "ddblocal: %v\n", err)
		return 2
	}
	if *cpuprofile != "" {
		stopProfile, err := startProfile(*cpuprofile)
		if err != nil {
			ln.Close()
			return fail("cannot write CPU profile: %v", err)
		}
		defer stopProfile()
	}

	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if !*quiet {
		fmt.Fprintf(stdout, "ddblocal listening on %s (data: %s)\n", describeListener(ln.Addr()), where)
		if consoleLine != "" {
			fmt.Fprintln(stdout, consoleLine)
		}
	}

	select {
	case err := <-served:
		return fail("serving on %s: %v", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	return 0
}

// openStore creates dir if needed and opens the store file in it.
func openStore(dir string) (ddbtest.Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return ddbtest.OpenBoltStore(filepath.Join(dir, dataFile))
}

// reason strips the operation and path wrappers from a system error
// ("listen tcp 127.0.0.1:8000: bind: address already in use" becomes
// "address already in use"), since the message names them already.
func reason(err error) error {
	if errors.Is(err, ddbtest.ErrStoreLocked) {
		return ddbtest.ErrStoreLocked
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// startProfile starts a CPU profile written to path.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
