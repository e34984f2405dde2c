package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// binDir holds the ddblocal binary the tests build (set by TestMain).
var binDir string

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds ddblocal once per test run, as the Dockerfile does
// (CGO_ENABLED=0, a static binary), and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goCmd, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(binDir, "ddblocal")
		cmd := exec.Command(goCmd, "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building ddblocal: %v", buildErr)
	}
	return binPath
}

// syncBuffer is a bytes.Buffer safe for a process to write while a test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a running ddblocal binary.
type process struct {
	cmd    *exec.Cmd
	url    string // from the listening line
	data   string // from the listening line
	all    bool   // listening on all interfaces
	stderr *syncBuffer
	exited chan struct{}
}

// stop sends SIGTERM and returns the exit code.
func (p *process) stop(t *testing.T) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Second):
		t.Fatal("ddblocal did not stop on SIGTERM")
		return -1
	}
}

// startBinary runs the built ddblocal in directory dir ("" for the test's
// own) with args, and waits for its listening line. The process is killed
// at the end of the test if still running.
func startBinary(t *testing.T, dir string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary(t), args...), stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Scan()
		line <- sc.Text()
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		m := listenLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("ddblocal %q printed %q; stderr: %s", args, l, p.stderr.String())
		}
		p.url, p.data, p.all = m[1], m[2], strings.Contains(l, "all interfaces")
		return p
	case <-time.After(10 * time.Second):
		t.Fatalf("ddblocal %q did not start; stderr: %s", args, p.stderr.String())
		return nil
	}
}

// parseSettings parses args as run does and returns the extra flags and
// the settings they resolve to.
func parseSettings(t *testing.T, args []string) (*extraFlags, settings, error) {
	t.Helper()
	fs := flag.NewFlagSet("ddblocal", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8000", "")
	data := fs.String("data", "", "")
	x := defineFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	s, err := x.settings(fs, *addr, *data)
	return x, s, err
}

// TestSettings checks what each combination of ddblocal's and DynamoDB
// Local's flags means, and the combinations refused.
func TestSettings(t *testing.T) {
	t.Parallel()
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string { return filepath.Join(cwd, p) }
	tests := []struct {
		args []string
		want settings
		err  string
	}{
		{nil, settings{addr: "127.0.0.1:8000", origins: []string{"*"}}, ""},
		{[]string{"-addr", "127.0.0.1:9000", "-data", "d"}, settings{addr: "127.0.0.1:9000", data: abs("d"), origins: []string{"*"}}, ""},
		// DynamoDB Local: all interfaces, port 8000, data in the current directory.
		{[]string{"-port", "8001"}, settings{addr: ":8001", data: cwd, origins: []string{"*"}}, ""},
		{[]string{"-sharedDb"}, settings{addr: ":8000", data: cwd, shared: true, origins: []string{"*"}}, ""},
		{[]string{"-port", "8000", "-inMemory", "-sharedDb"}, settings{addr: ":8000", shared: true, origins: []string{"*"}}, ""},
		{[]string{"-jar", "DynamoDBLocal.jar", "-inMemory"}, settings{addr: ":8000", origins: []string{"*"}}, ""},
		{[]string{"-sharedDb", "-dbPath", "./data", "-optimizeDbBeforeStartup", "-delayTransientStatuses", "-disableTelemetry"},
			settings{addr: ":8000", data: abs("data"), shared: true, origins: []string{"*"}}, ""},
		{[]string{"-inMemory", "-addr", "127.0.0.1:9"}, settings{addr: "127.0.0.1:9", origins: []string{"*"}}, ""},
		{[]string{"-data", "d", "-port", "1"}, settings{addr: ":1", data: abs("d"), origins: []string{"*"}}, ""},
		{[]string{"-cors", "http://a.example, http://b.example", "-inMemory"}, settings{addr: ":8000", origins: []string{"http://a.example", "http://b.example"}}, ""},
		{[]string{"-cors", ""}, settings{addr: "127.0.0.1:8000"}, ""},
		{[]string{"-log-format", "json"}, settings{addr: "127.0.0.1:8000", origins: []string{"*"}, logJSON: true}, ""},

		{[]string{"-addr", ":1", "-port", "2"}, settings{}, "-addr and -port cannot be used together"},
		{[]string{"-inMemory", "-dbPath", "d"}, settings{}, "-inMemory and -dbPath cannot be used together"},
		{[]string{"-inMemory", "-data", "d"}, settings{}, "-inMemory and -data cannot be used together"},
		{[]string{"-data", "a", "-dbPath", "b"}, settings{}, "-data and -dbPath cannot be used together"},
		{[]string{"-port", "70000"}, settings{}, "-port 70000 is not a port number"},
		{[]string{"-optimizeDbBeforeStartup", "-inMemory"}, settings{}, "-optimizeDbBeforeStartup needs -dbPath"},
		{[]string{"-log-format", "xml"}, settings{}, `-log-format "xml": want text or json`},
	}
	for _, tt := range tests {
		_, got, err := parseSettings(t, tt.args)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %+v, %v\nwant %+v", tt.args, got, err, tt.want)
		}
	}
}

// TestDynamoDBLocalCommandLines starts the built binary with the command
// lines people give DynamoDB Local, talks to it with the SDK, stops it
// with SIGTERM, and, when it kept its data on disk, finds the item again
// after a restart.
func TestDynamoDBLocalCommandLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		data string // relative to the process's directory; "" in memory
	}{
		{"in memory", []string{"-port", "0", "-inMemory", "-sharedDb", "-delayTransientStatuses", "-disableTelemetry"}, ""},
		{"dbPath", []string{"-jar", "DynamoDBLocal.jar", "-sharedDb", "-dbPath", "./data", "-optimizeDbBeforeStartup", "-port", "0"}, "data"},
		{"current directory", []string{"-port", "0", "-sharedDb"}, "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			p := startBinary(t, dir, tt.args...)
			if !p.all {
				t.Errorf("-port: not listening on all interfaces")
			}
			wantData := "in-memory"
			if tt.data != "" {
				wantData = filepath.Join(dir, tt.data)
			}
			if p.data != wantData {
				t.Errorf("data in %q, want %q", p.data, wantData)
			}
			c := client(p.url)
			createTable(t, c, "Compat")
			item := map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: "k"},
				"v":  &types.AttributeValueMemberS{Value: "kept"},
			}
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Compat"), Item: item}); err != nil {
				t.Fatal(err)
			}
			if code := p.stop(t); code != 0 {
				t.Fatalf("exit code %d after SIGTERM; stderr: %s", code, p.stderr.String())
			}
			if tt.data == "" {
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("-inMemory wrote %v", entries)
				}
				return
			}
			p = startBinary(t, dir, tt.args...)
			defer p.stop(t)
			out, err := client(p.url).GetItem(ctx, &dynamodb.GetItemInput{
				TableName: aws.String("Compat"),
				Key:       map[string]types.AttributeValue{"pk": item["pk"]},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(out.Item, item) {
				t.Errorf("after restart, item = %v", out.Item)
			}
		})
	}
}

// createTable creates a table with a string partition key pk.
func createTable(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	// With -delayTransientStatuses the table is CREATING for a while.
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestRequestLog drives the binary with -log-requests in each format and
// checks one line per request with its operation, table, status, duration
// and, for a failed request, the error type.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	type line struct {
		op, table, status, err string
	}
	want := []line{
		{"CreateTable", "Logged", "200", ""},
		{"DescribeTable", "Logged", "200", ""}, // createTable waits for ACTIVE
		{"PutItem", "Logged", "200", ""},
		{"GetItem", "Missing", "400", "ResourceNotFoundException"},
		{"BatchWriteItem", "Logged", "200", ""},
		{"health", "", "200", ""},
	}
	parse := map[string]func(t *testing.T, s string) (line, string){
		"json": func(t *testing.T, s string) (line, string) {
			var m map[string]any
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				t.Fatalf("log line %q: %v", s, err)
			}
			e, _ := m["error"].(string)
			status, _ := m["status"].(float64)
			d, _ := m["duration"].(float64) // nanoseconds
			return line{m["op"].(string), m["table"].(string), strconv.Itoa(int(status)), e}, strconv.Itoa(int(d))
		},
		"text": func(t *testing.T, s string) (line, string) {
			kv := map[string]string{}
			for _, f := range strings.Fields(s) {
				k, v, _ := strings.Cut(f, "=")
				if u, err := strconv.Unquote(v); err == nil {
					v = u
				}
				kv[k] = v
			}
			return line{kv["op"], kv["table"], kv["status"], kv["error"]}, kv["duration"]
		},
	}
	for format, parseLine := range parse {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p := startBinary(t, "", "-addr", "127.0.0.1:0", "-log-requests", "-log-format", format)
			c := client(p.url)
			createTable(t, c, "Logged")
			pk := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Logged"), Item: pk}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Missing"), Key: pk}); err == nil {
				t.Fatal("GetItem on a missing table succeeded")
			}
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
				"Logged": {{PutRequest: &types.PutRequest{Item: pk}}},
			}})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Get(p.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if code := p.stop(t); code != 0 {
				t.Fatalf("exit code %d", code)
			}
			lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
			if len(lines) != len(want) {
				t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(want), p.stderr.String())
			}
			for i, l := range lines {
				got, duration := parseLine(t, l)
				if got != want[i] || duration == "" || duration == "0" {
					t.Errorf("line %d = %q: got %+v duration %q, want %+v", i, l, got, duration, want[i])
				}
			}
		})
	}
}

// TestCORSAndHealth checks the -cors allow-list on a preflight and an
// actual request, and -healthcheck against a running and a stopped server.
func TestCORSAndHealth(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "in-memory", "-addr", "127.0.0.1:0", "-cors", "http://ok.example")
	tests := []struct {
		method, origin string
		wantAllow      string
		wantStatus     int // 0: not checked
	}{
		{http.MethodOptions, "http://ok.example", "http://ok.example", http.StatusOK},
		{http.MethodOptions, "http://evil.example", "", 0}, // passed to the server: its answer
		{http.MethodGet, "http://ok.example", "http://ok.example", http.StatusOK},
		{http.MethodGet, "http://evil.example", "", http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, url, nil)
		req.Header.Set("Origin", tt.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,authorization")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		allow := resp.Header.Get("Access-Control-Allow-Origin")
		if allow != tt.wantAllow || tt.wantStatus != 0 && resp.StatusCode != tt.wantStatus {
			t.Errorf("%s from %s: status %d, Access-Control-Allow-Origin %q; want %d, %q",
				tt.method, tt.origin, resp.StatusCode, allow, tt.wantStatus, tt.wantAllow)
		}
		if tt.method == http.MethodOptions && allow != "" &&
			resp.Header.Get("Access-Control-Allow-Headers") != "content-type,x-amz-target,authorization" {
			t.Errorf("preflight allows headers %q", resp.Header.Get("Access-Control-Allow-Headers"))
		}
	}

	addr := strings.TrimPrefix(url, "http://")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-healthcheck", "-addr", addr}, &stdout, &stderr); code != 0 {
		t.Errorf("-healthcheck on a running server: exit %d, stderr %q", code, stderr.String())
	}
	stop()
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"-healthcheck", "-addr", addr}, &stdout, &stderr); code != 1 ||
		!strings.HasPrefix(stderr.String(), "ddblocal: unhealthy: ") {
		t.Errorf("-healthcheck on a stopped server: exit %d, stderr %q", code, stderr.String())
	}
}

// TestHelpAndVersion checks -help's description and flags, and -version.
func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-help"}, &stdout, &stderr); code != 0 {
		t.Errorf("-help: exit %d", code)
	}
	if !strings.HasPrefix(stderr.String(), description+"\n") {
		t.Errorf("-help does not start with the description: %q", stderr.String())
	}
	for _, name := range append([]string{"addr", "data", "log-requests", "version", "cors", "faults", "faults-admin"}, dynamoDBLocalFlags...) {
		if !strings.Contains(stderr.String(), "\n  -"+name+" ") && !strings.Contains(stderr.String(), "\n  -"+name+"\n") {
			t.Errorf("-help does not list -%s", name)
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"-version"}, &stdout, &stderr); code != 0 ||
		!strings.HasPrefix(stdout.String(), "ddblocal ") || !strings.Contains(stdout.String(), "(go") {
		t.Errorf("-version: exit %d, %q", code, stdout.String())
	}
}

// dockerExec matches an exec-form JSON array after CMD or ENTRYPOINT.
var dockerExec = regexp.MustCompile(`(?m)\b(CMD|ENTRYPOINT) (\[.*\])\s*$`)

// TestDockerfile checks that the repository's Dockerfile builds a static
// binary as a non-root user on port 8000, and that its default command and
// health check are command lines ddblocal accepts, with the meanings the
// image needs: all interfaces on port 8000, health asked on loopback.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, want := range []string{"CGO_ENABLED=0 go build", "./cmd/ddblocal", "\nEXPOSE 8000\n", "\nUSER 65532:65532\n", "\nHEALTHCHECK "} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	execs := map[string][]string{}
	for _, m := range dockerExec.FindAllStringSubmatch(df, -1) {
		var args []string
		if err := json.Unmarshal([]byte(m[2]), &args); err != nil {
			t.Fatalf("%s %s: %v", m[1], m[2], err)
		}
		key := m[1]
		if strings.Contains(m[0], "-healthcheck") {
			key = "HEALTHCHECK"
		}
		execs[key] = args
	}
	if got := execs["ENTRYPOINT"]; len(got) != 1 || filepath.Base(got[0]) != "ddblocal" {
		t.Errorf("ENTRYPOINT %q", got)
	}
	for key, args := range map[string][]string{"CMD": execs["CMD"], "HEALTHCHECK": execs["HEALTHCHECK"][1:]} {
		x, s, err := parseSettings(t, args)
		if err != nil || s.addr != ":8000" || clientURL(s.addr) != "http://127.0.0.1:8000" {
			t.Errorf("%s %q: listens on %q (%v), want all interfaces on 8000", key, args, s.addr, err)
		}
		if key == "HEALTHCHECK" != x.healthcheck {
			t.Errorf("%s %q: -healthcheck is %v", key, args, x.healthcheck)
		}
	}
}
