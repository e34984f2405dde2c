package main

import (
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestConsoleFlags checks when the console is served: by default only on
// a loopback address, either way with -console, and -console-write only
// with a console.
func TestConsoleFlags(t *testing.T) {
	t.Parallel()
	loop := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	loop6 := &net.TCPAddr{IP: net.IPv6loopback, Port: 8000}
	any4 := &net.TCPAddr{IP: net.IPv4zero, Port: 8000}
	lan := &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 8000}
	for _, tc := range []struct {
		args []string
		addr *net.TCPAddr
		line string // "" when the console is off
		err  error
	}{
		{nil, loop, "console: http://127.0.0.1:8000/console/ (read-only; -console-write to edit; region eu-west-1)", nil},
		{nil, loop6, "console: http://[::1]:8000/console/ (read-only; -console-write to edit; region eu-west-1)", nil},
		{[]string{"-console-write"}, loop, "console: http://127.0.0.1:8000/console/ (write enabled; region eu-west-1)", nil},
		{[]string{"-console=false"}, loop, "", nil},
		{nil, any4, "", nil},
		{nil, lan, "", nil},
		{[]string{"-console-write"}, lan, "", errConsoleWrite},
		{[]string{"-console"}, any4, "console: http://127.0.0.1:8000/console/ (read-only; -console-write to edit; region eu-west-1)", nil},
		{[]string{"-console", "-console-write"}, lan, "console: http://10.1.2.3:8000/console/ (write enabled; region eu-west-1)", nil},
	} {
		fs := flag.NewFlagSet("ddblocal", flag.ContinueOnError)
		cf := addConsoleFlags(fs)
		if err := fs.Parse(append([]string{"-console-region", "eu-west-1"}, tc.args...)); err != nil {
			t.Fatal(err)
		}
		db := http.NotFoundHandler()
		h, line, err := cf.mount(db, tc.addr, nil)
		if line != tc.line || !errors.Is(err, tc.err) {
			t.Errorf("%v on %v: %q, %v; want %q, %v", tc.args, tc.addr, line, err, tc.line, tc.err)
		}
		if err == nil && line == "" && h == nil {
			t.Errorf("%v on %v: no handler", tc.args, tc.addr)
		}
	}
}

// TestConsoleServed runs ddblocal and loads the console's table list from
// the same port as the API.
func TestConsoleServed(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "in-memory", "-addr", "127.0.0.1:0")
	defer stop()
	resp, err := http.Get(url + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "No tables yet") {
		t.Errorf("GET /console/: %d\n%s", resp.StatusCode, body)
	}
	// the API still answers on the same port
	if _, err := client(url).ListTables(t.Context(), nil); err != nil {
		t.Error(err)
	}
}
