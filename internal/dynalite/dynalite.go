// Package dynalite starts the repository's pinned dynalite (from
// node_modules, after npm ci) for tests, bound to a free loopback port.
package dynalite

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// watchdog runs dynalite's cli.js (argv[1]) with the remaining arguments
// and exits when its stdin closes, so that dynalite never outlives the
// process that started it, even when that one is killed. dynalite 4.0.0
// throws from a request's 'error' event when a client aborts a request in
// flight (a cancelled context), which kills the whole server; the watchdog
// survives exactly that error, as DynamoDB does, and no other.
const watchdog = `const cli = process.argv[1];
process.argv = [process.argv[0], cli].concat(process.argv.slice(2));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('data', () => {});
process.on('uncaughtException', (err) => {
  if (err && err.code === 'ECONNRESET' && err.message === 'aborted') return;
  console.error(err);
  process.exit(1);
});
require(cli);`

// Start starts dynalite, with table state changes made immediate, and
// returns its URL and the function that stops it. It looks for
// node_modules/dynalite in the working directory and its parents.
func Start() (url string, stop func(), err error) {
	cli, err := find()
	if err != nil {
		return "", nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(node, "-e", watchdog, cli, "--host", "127.0.0.1", "--port", port,
		"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(2 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	addr := "127.0.0.1:" + port
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			return "", nil, fmt.Errorf("dynalite exited: %v; stderr: %s", err, stderr.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return "http://" + addr, stop, nil
		}
	}
	stop()
	return "", nil, errors.New("dynalite did not start listening within 15s")
}

func find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, "node_modules", "dynalite", "cli.js")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("node_modules/dynalite not found (run npm ci at the repository root)")
		}
		dir = parent
	}
}
