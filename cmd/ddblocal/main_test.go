package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ddblocal-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var listenLine = regexp.MustCompile(`^ddblocal listening on (?:all interfaces, )?(http://127\.0\.0\.1:\d+) \(data: (.*)\)$`)

// start runs the program in-process with args and returns the URL it
// listens on, and a function that stops it (as SIGINT would) and returns
// its exit code.
func start(t *testing.T, wantData string, args ...string) (url string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, args, pw, &stderr)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		cancel()
		t.Fatalf("no listening line; exit %d, stderr %q", <-code, stderr.String())
	}
	m := listenLine.FindStringSubmatch(sc.Text())
	if m == nil || m[2] != wantData {
		cancel()
		t.Fatalf("listening line %q, want data %q", sc.Text(), wantData)
	}
	go io.Copy(io.Discard, pr)
	return m[1], func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("ddblocal did not stop")
			return -1
		}
	}
}

func client(url string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, nil
		}),
	})
}

// TestPersistence writes a table through the SDK, stops the server, and
// finds the table and item after a restart on the same directory; an
// in-memory server starts empty.
func TestPersistence(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new", "data") // created by ddblocal
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "k"}}
	ctx := context.Background()

	url, stop := start(t, dir, "-addr", "127.0.0.1:0", "-data", dir)
	c := client(url)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Persist"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	item := map[string]types.AttributeValue{"pk": key["pk"], "v": &types.AttributeValueMemberS{Value: "kept"}}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Persist"), Item: item}); err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d after stop", code)
	}
	if _, err := os.Stat(filepath.Join(dir, dataFile)); err != nil {
		t.Fatal(err)
	}

	url, stop = start(t, dir, "-addr", "127.0.0.1:0", "-data", dir)
	out, err := client(url).GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Persist"), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := out.Item["v"].(*types.AttributeValueMemberS); v == nil || v.Value != "kept" {
		t.Errorf("after restart, item = %v", out.Item)
	}
	stop()

	url, stop = start(t, "in-memory", "-addr", "127.0.0.1:0")
	defer stop()
	lt, err := client(url).ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lt.TableNames) != 0 {
		t.Errorf("in-memory server starts with tables %q", lt.TableNames)
	}
}

// TestStartErrors checks the one-line message and exit code of each way
// the server can fail to start.
func TestStartErrors(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	busyAddr := busy.Addr().String()

	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(tmp, "corrupt")
	st, err := openStore(corrupt)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutMeta("broken", []byte("not a table definition")); err != nil {
		t.Fatal(err)
	}
	st.Close()
	locked := filepath.Join(tmp, "locked")
	_, stop := start(t, locked, "-addr", "127.0.0.1:0", "-data", locked)
	t.Cleanup(func() { stop() }) // after the parallel subtests

	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"busy port", []string{"-addr", busyAddr}, 1,
			"ddblocal: cannot listen on " + busyAddr + ": address already in use\n"},
		{"bad address", []string{"-addr", "nonsense"}, 1,
			"ddblocal: cannot listen on nonsense: "},
		{"data under a file", []string{"-addr", "127.0.0.1:0", "-data", filepath.Join(file, "d")}, 1,
			"ddblocal: cannot use data directory " + filepath.Join(file, "d") + ": " + file + ": not a directory\n"},
		{"data in use", []string{"-addr", "127.0.0.1:0", "-data", locked}, 1,
			"ddblocal: cannot use data directory " + locked + ": database is locked by another process\n"},
		{"corrupt table definitions", []string{"-addr", "127.0.0.1:0", "-data", corrupt}, 1,
			"ddblocal: cannot load tables from " + corrupt + ": ddbtest: loading tables from store: "},
		{"unknown flag", []string{"-bogus", "1"}, 2, "flag provided but not defined: -bogus"},
		{"conflicting flags", []string{"-addr", "127.0.0.1:0", "-port", "0"}, 2,
			"ddblocal: -addr and -port cannot be used together\n"},
		{"extra argument", []string{"serve"}, 2, "ddblocal: unexpected argument \"serve\"\n"},
		{"negative delay", []string{"-create-delay", "-1s"}, 2, "ddblocal: delays cannot be negative\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A start that wrongly succeeds stops after the timeout.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			code := run(ctx, tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.HasPrefix(stderr.String(), tt.msg) && !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("stderr = %q, want %q", stderr.String(), tt.msg)
			}
			if strings.HasSuffix(tt.msg, "\n") && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q", stdout.String())
			}
		})
	}
}

// startProcess runs the built ddblocal binary as a child process with data
// directory data and returns it and its URL.
func startProcess(t *testing.T, data string) (*exec.Cmd, string) {
	t.Helper()
	p := startBinary(t, "", "-addr", "127.0.0.1:0", "-data", data)
	if p.data != data {
		t.Fatalf("ddblocal keeps its data in %q, want %q", p.data, data)
	}
	return p.cmd, p.url
}

// TestCrash runs ddblocal as a process on a data directory, writes items
// through the SDK from several goroutines, kills the process with SIGKILL
// while writes are in flight, and checks that a restarted server has every
// acknowledged item, in its table and in its index.
func TestCrash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	cmd, url := startProcess(t, data)
	c := client(url)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Crash"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
			{AttributeName: aws.String("g"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("byG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("g"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}

	// Writers run until the server dies; it is killed once killAfter
	// writes are acknowledged, with others in flight.
	const workers, killAfter = 4, 40
	var (
		mu    sync.Mutex
		acked []int
		wg    sync.WaitGroup
	)
	enough := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i += workers {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{
					TableName: aws.String("Crash"),
					Item: map[string]types.AttributeValue{
						"pk": &types.AttributeValueMemberS{Value: "p"},
						"sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
						"g":  &types.AttributeValueMemberS{Value: "g"},
					},
				})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked = append(acked, i)
				if len(acked) == killAfter {
					close(enough)
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(20 * time.Second):
		t.Fatal("writes are not acknowledged")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	_, url = startProcess(t, data)
	c = client(url)
	for _, i := range acked {
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String("Crash"),
			Key: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: "p"},
				"sk": &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if out.Item == nil {
			t.Errorf("after kill -9 and restart, acknowledged item %d is missing", i)
		}
	}
	out, err := c.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String("Crash"),
		IndexName:                 aws.String("byG"),
		KeyConditionExpression:    aws.String("g = :g"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": &types.AttributeValueMemberS{Value: "g"}},
		Select:                    types.SelectCount,
	})
	if err != nil {
		t.Fatal(err)
	}
	if int(out.Count) < len(acked) {
		t.Errorf("after restart, index holds %d items, want at least %d", out.Count, len(acked))
	}
}

// TestCreateDelay: with -create-delay a new table is CREATING until the
// delay is over, and the SDK's waiter waits for it.
func TestCreateDelay(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "in-memory", "-addr", "127.0.0.1:0", "-create-delay", "300ms")
	defer stop()
	c := client(url)
	ctx := context.Background()
	out, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("Slow"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil || out.TableDescription.TableStatus != types.TableStatusCreating {
		t.Fatal(out, err)
	}
	d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Slow")})
	if err != nil || d.Table.TableStatus != types.TableStatusCreating {
		t.Fatalf("right after CreateTable: %v %v", d, err)
	}
	w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Slow")}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
}
