package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/ddb-go/ddb/ddbtest"
)

// faultsPath is where -faults-admin serves the fault spec.
const faultsPath = "/ddblocal/faults"

// faultFlags are the fault injection flags: -faults and -faults-admin.
type faultFlags struct {
	spec  faultSpec
	admin bool
}

// faultSpec is a fault spec (see ddbtest.ParseFaults), checked when set,
// and applied to srv once it is not nil.
type faultSpec struct {
	mu     sync.Mutex
	text   string
	faults ddbtest.Faults
	srv    *ddbtest.Server
}

func (f *faultSpec) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.text
}

// Set parses spec and, if it is valid, makes it the spec.
func (f *faultSpec) Set(spec string) error {
	faults, err := ddbtest.ParseFaults(spec)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.text, f.faults = spec, faults
	if f.srv != nil {
		f.srv.SetFaults(faults)
	}
	return nil
}

// attach makes srv inject the spec's faults, now and when it changes.
func (f *faultSpec) attach(srv *ddbtest.Server) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.srv = srv
	srv.SetFaults(f.faults)
}

func addFaultFlags(fs *flag.FlagSet) *faultFlags {
	ff := &faultFlags{}
	fs.Var(&ff.spec, "faults", "inject network and throttling faults as `SPEC` says: comma-separated KIND=RATE[@ARG] rules "+
		"(KIND: lost, reset, slow, throttle, throttling, limit, txconflict, internal, unprocessed, delay; ARG: the duration of slow "+
		"and delay, the HTTP status of lost, which otherwise closes the connection), ops=OP+OP... (the operations affected, default all), "+
		"seed=N; groups with their own ops separated by ';'. Example: 'seed=1,lost=0.1,reset=0.05,ops=PutItem+UpdateItem;throttling=0.02'")
	fs.BoolVar(&ff.admin, "faults-admin", false, "serve "+faultsPath+": GET answers the fault spec, POST or PUT a spec as the body replaces it (an empty body turns faults off)")
	return ff
}

// apply makes srv inject the faults of -faults, and returns db with the
// admin endpoint mounted when -faults-admin is given.
func (ff *faultFlags) apply(srv *ddbtest.Server, db http.Handler) http.Handler {
	ff.spec.attach(srv)
	if !ff.admin {
		return db
	}
	mux := http.NewServeMux()
	mux.Handle("/", db)
	mux.HandleFunc(faultsPath, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost, http.MethodPut:
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if err := ff.spec.Set(strings.TrimSpace(string(body))); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, PUT")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, ff.spec.String())
	})
	return mux
}
