// Command serverbench measures what a DynamoDB-compatible server costs: it
// runs one put/get/query mix through the real aws-sdk-go-v2 client over
// loopback HTTP against several servers, each in its own process, and
// reports throughput and the server process's own CPU time per operation.
//
//	go run ./internal/serverbench -duration 10s
//
// The servers are cmd/ddblocal (in memory; "ddblocal-data" runs it on a
// bbolt file, not by default), dynalite (node), and a null
// server (this program re-executed with -null) that answers every call with
// a fixed valid response and stores nothing: its throughput is the client's
// ceiling on this machine. The same mix is also run in-process through
// ddbtest's Transport. Finally it measures the heap an in-memory ddbtest
// server holds per stored item against the items' DynamoDB size.
//
// Server CPU is utime+stime of the server process from /proc/PID/stat,
// read before and after the measured load, so the client's CPU is not
// counted. Linux only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddb-go/ddb/ddbtest"
)

func main() {
	var cfg config
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured load `time` per server")
	flag.IntVar(&cfg.rounds, "rounds", 5, "interleaved measurement `rounds` (duration is split between them)")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured load `time` before each measurement")
	flag.IntVar(&cfg.workers, "workers", 8, "concurrent client `goroutines`")
	flag.StringVar(&cfg.servers, "servers", "null,ddblocal,dynalite,inprocess", "comma-separated `list` of servers to run (null, ddblocal, ddblocal-data, dynalite, inprocess)")
	flag.StringVar(&cfg.dynalite, "dynalite", "node_modules/.bin/dynalite", "dynalite `script` (run with node)")
	flag.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write ddblocal's CPU profile under load to `FILE`")
	flag.IntVar(&cfg.memItems, "mem-items", 100000, "items stored for the memory measurement (0: skip)")
	null := flag.String("null", "", "run as the null server on `host:port` (internal)")
	flag.Parse()
	if *null != "" {
		if err := serveNull(*null); err != nil {
			fmt.Fprintln(os.Stderr, "serverbench: null server:", err)
			os.Exit(1)
		}
		return
	}
	if err := bench(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "serverbench:", err)
		os.Exit(1)
	}
}

type config struct {
	duration, warmup time.Duration
	workers, rounds  int
	servers          string
	dynalite         string
	cpuprofile       string
	memItems         int
}

// result is one server's measurement.
type result struct {
	name      string
	ops       int64
	errs      int64
	firstErr  error
	elapsed   time.Duration
	serverCPU time.Duration // -1: not measured (in-process)
	clientCPU time.Duration
}

func (r result) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }

func perOp(d time.Duration, ops int64) float64 {
	return float64(d.Microseconds()) / float64(max(ops, 1))
}

func bench(cfg config) error {
	fmt.Printf("serverbench: %d workers, %v per server in %d interleaved rounds (after %v warm-up), mix %d%% PutItem / %d%% GetItem / %d%% Query (Limit %d), %d items of ~%d bytes\n",
		cfg.workers, cfg.duration, cfg.rounds, cfg.warmup, 100*putShare/mixLen, 100*getShare/mixLen, 100*(mixLen-putShare-getShare)/mixLen, perPartition, partitions*perPartition, itemSizeOf(0, 0))
	fmt.Printf("machine: %s, %d CPUs, %s/%s, %s, load average %s\n\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), loadAvg())
	tmp, err := os.MkdirTemp("", "serverbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var targets []*target
	defer func() {
		for _, t := range targets {
			t.stop()
		}
	}()
	for _, name := range strings.Split(cfg.servers, ",") {
		t, err := startTarget(cfg, name, tmp)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		targets = append(targets, t)
		if err := setup(context.Background(), t.client); err != nil {
			return fmt.Errorf("%s: setup: %w", name, err)
		}
	}
	// Every server is set up and idle; measure them in turns, so that a
	// change in the machine's other load affects all of them alike.
	for _, t := range targets {
		run(context.Background(), t.client, cfg.workers, cfg.warmup)
	}
	for range cfg.rounds {
		for _, t := range targets {
			if err := t.measure(cfg, cfg.duration/time.Duration(cfg.rounds)); err != nil {
				return fmt.Errorf("%s: %w", t.res.name, err)
			}
		}
	}
	var results []result
	for _, t := range targets {
		results = append(results, t.res)
	}
	report(results)
	for _, t := range targets {
		t.stop()
	}
	targets = nil

	if cfg.memItems > 0 {
		if err := measureMemory(cfg); err != nil {
			return fmt.Errorf("memory: %w", err)
		}
	}
	return nil
}

// report prints the table and the target ratios.
func report(results []result) {
	byName := map[string]result{}
	for _, r := range results {
		byName[r.name] = r
	}
	null, hasNull := byName["null"]
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tops\tops/s\tvs null\tserver CPU µs/op\tclient CPU µs/op\terrors\t")
	for _, r := range results {
		vsNull, srvCPU := "-", "-"
		if hasNull {
			vsNull = fmt.Sprintf("%.0f%%", 100*r.opsPerSec()/null.opsPerSec())
		}
		if r.serverCPU >= 0 {
			srvCPU = fmt.Sprintf("%.1f", perOp(r.serverCPU, r.ops))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%s\t%.1f\t%d\t\n", r.name, r.ops, r.opsPerSec(), vsNull, srvCPU, perOp(r.clientCPU, r.ops), r.errs)
	}
	tw.Flush()
	fmt.Println("(in-process: client and server share one process, so its client CPU is both)")
	for _, r := range results {
		if r.firstErr != nil {
			fmt.Printf("first error from %s: %v\n", r.name, r.firstErr)
		}
	}
	fmt.Println()
	if d, ok := byName["ddblocal"]; ok {
		if dy, ok := byName["dynalite"]; ok {
			ratio := perOp(d.serverCPU, d.ops) / perOp(dy.serverCPU, dy.ops)
			fmt.Printf("server CPU/op, ddblocal / dynalite: %.3f (target <= 0.333: %s)\n", ratio, verdict(ratio <= 1.0/3))
		}
		if hasNull {
			ratio := d.opsPerSec() / null.opsPerSec()
			fmt.Printf("ops/s, ddblocal / null server:      %.3f (target >= 0.80: %s)\n", ratio, verdict(ratio >= 0.8))
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// target is one server under test.
type target struct {
	client *dynamodb.Client
	pid    int // server process, 0 for in-process
	// closeIdle drops the client's idle connections, which a server
	// (node's default keep-alive is 5 s) may have timed out while others
	// were measured.
	closeIdle func()
	stop      func() // stops the server; idempotent
	res       result // accumulated over rounds
}

// startTarget starts the server called name, as a child process except
// for "inprocess".
func startTarget(cfg config, name, tmp string) (*target, error) {
	t := &target{res: result{name: name, serverCPU: -1}}
	if name == "inprocess" {
		srv := ddbtest.NewUnstartedServer()
		t.client = srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
		t.stop = srv.Close
		t.closeIdle = func() {}
		return t, nil
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	switch name {
	case "null":
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(self, "-null", addr)
	case "ddblocal", "ddblocal-data":
		bin := filepath.Join(tmp, "ddblocal")
		if _, err := os.Stat(bin); err != nil {
			if out, err := exec.Command("go", "build", "-o", bin, "github.com/ddb-go/ddb/cmd/ddblocal").CombinedOutput(); err != nil {
				return nil, fmt.Errorf("building: %v\n%s", err, out)
			}
		}
		args := []string{"-addr", addr, "-quiet"}
		if name == "ddblocal-data" {
			args = append(args, "-data", filepath.Join(tmp, "data"))
		} else if cfg.cpuprofile != "" {
			args = append(args, "-cpuprofile", cfg.cpuprofile)
		}
		cmd = exec.Command(bin, args...)
	case "dynalite":
		_, port, _ := net.SplitHostPort(addr)
		cmd = exec.Command("node", cfg.dynalite, "--port", port)
	default:
		return nil, errors.New("unknown server")
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	var once sync.Once
	t.stop = func() {
		once.Do(func() {
			// SIGINT lets ddblocal write its CPU profile.
			_ = cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
	}
	if err := waitListening(addr, 20*time.Second); err != nil {
		t.stop()
		return nil, err
	}
	t.pid = cmd.Process.Pid
	t.client, t.closeIdle = sdkClient("http://" + addr)
	t.res.serverCPU = 0
	return t, nil
}

// measure runs the mix for d and adds the operations and the CPU time of
// the server process and of this process to t.res.
func (t *target) measure(cfg config, d time.Duration) error {
	t.closeIdle()
	var srv0, srv1 time.Duration
	var err error
	if t.pid != 0 {
		if srv0, err = procCPU(t.pid); err != nil {
			return err
		}
	}
	cli0, err := procCPU(os.Getpid())
	if err != nil {
		return err
	}
	start := time.Now()
	ops, errs, firstErr := run(context.Background(), t.client, cfg.workers, d)
	elapsed := time.Since(start)
	cli1, err := procCPU(os.Getpid())
	if err != nil {
		return err
	}
	if t.pid != 0 {
		if srv1, err = procCPU(t.pid); err != nil {
			return err
		}
		t.res.serverCPU += srv1 - srv0
	}
	r := &t.res
	r.ops += ops
	r.errs += errs
	if r.firstErr == nil {
		r.firstErr = firstErr
	}
	r.elapsed += elapsed
	r.clientCPU += cli1 - cli0
	return nil
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server did not listen on %s within %v", addr, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sdkClient returns a client for url with the SDK's default HTTP client,
// and a function that closes the client's idle connections.
func sdkClient(url string) (*dynamodb.Client, func()) {
	var tr atomic.Pointer[http.Transport]
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { tr.Store(t) })
	c := dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		RetryMaxAttempts: 1,
		HTTPClient:       hc,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDBENCH", SecretAccessKey: "bench"}, nil
		}),
	})
	return c, func() {
		if t := tr.Load(); t != nil {
			t.CloseIdleConnections()
		}
	}
}

// The workload: one table of partitions x perPartition items; each worker
// loops over a mix of mixLen operations: putShare overwriting puts,
// getShare gets, the rest queries of one whole partition.
const (
	table        = "Bench"
	partitions   = 100
	perPartition = 10
	mixLen       = 10
	putShare     = 4
	getShare     = 4
)

// payload pads items to about 200 bytes.
var payload = strings.Repeat("abcdefghij", 15)

func pkOf(p int) string { return fmt.Sprintf("part-%04d", p) }

func benchItem(p, s int) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk":      &types.AttributeValueMemberS{Value: pkOf(p)},
		"sk":      &types.AttributeValueMemberN{Value: strconv.Itoa(s)},
		"payload": &types.AttributeValueMemberS{Value: payload},
		"count":   &types.AttributeValueMemberN{Value: strconv.Itoa(p*1000 + s)},
		"tag":     &types.AttributeValueMemberS{Value: "bench"},
	}
}

// itemSizeOf is the DynamoDB size of benchItem(p, s): attribute names plus
// values, a number being 1 byte plus 1 per 2 significant digits.
func itemSizeOf(p, s int) int {
	numSize := func(n int) int { return 1 + (len(strconv.Itoa(n))+1)/2 }
	return len("pk") + len(pkOf(p)) + len("sk") + numSize(s) + len("payload") + len(payload) +
		len("count") + numSize(p*1000+s) + len("tag") + len("bench")
}

// createTableInput is the request creating the benchmark table.
func createTableInput() *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName: aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeN},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	}
}

// setup creates the table, waits until it is active, and stores every item.
func setup(ctx context.Context, c *dynamodb.Client) error {
	_, err := c.CreateTable(ctx, createTableInput())
	if err != nil {
		return err
	}
	for {
		out, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return err
		}
		if out.Table.TableStatus == types.TableStatusActive {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for p := range partitions {
		for s := range perPartition {
			if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: benchItem(p, s)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// run runs the mix with workers goroutines for d and returns the number
// of successful operations, of failed ones, and the first error.
func run(ctx context.Context, c *dynamodb.Client, workers int, d time.Duration) (ops, errs int64, firstErr error) {
	var nOps, nErrs atomic.Int64
	var errOnce sync.Once
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := 0; time.Now().Before(stop); i++ {
				err := do(ctx, c, r, i%mixLen)
				if err != nil {
					nErrs.Add(1)
					errOnce.Do(func() { firstErr = err })
					continue
				}
				nOps.Add(1)
			}
		}()
	}
	wg.Wait()
	return nOps.Load(), nErrs.Load(), firstErr
}

// do runs operation k of the mix.
func do(ctx context.Context, c *dynamodb.Client, r *rand.Rand, k int) error {
	p, s := r.IntN(partitions), r.IntN(perPartition)
	switch {
	case k < putShare:
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: benchItem(p, s)})
		return err
	case k < putShare+getShare:
		out, err := c.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(table),
			Key: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: pkOf(p)},
				"sk": &types.AttributeValueMemberN{Value: strconv.Itoa(s)},
			},
		})
		if err == nil && out.Item == nil {
			err = errors.New("get found no item")
		}
		return err
	default:
		out, err := c.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(table),
			KeyConditionExpression:    aws.String("pk = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: pkOf(p)}},
			Limit:                     aws.Int32(perPartition),
		})
		if err == nil && len(out.Items) != perPartition {
			err = fmt.Errorf("query returned %d items, want %d", len(out.Items), perPartition)
		}
		return err
	}
}

// clockTicks is USER_HZ, the unit of times in /proc/PID/stat (100 on
// every Linux architecture Go supports).
const clockTicks = 100

// procCPU returns the user+system CPU time used so far by process pid (all
// its threads).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesized command name start at field 3 (state);
	// utime and stime are fields 14 and 15.
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// measureMemory stores cfg.memItems items in an in-memory ddbtest server
// and compares the live heap they add with their DynamoDB size.
func measureMemory(cfg config) error {
	ctx := context.Background()
	srv := ddbtest.NewUnstartedServer()
	defer srv.Close()
	c := srv.Client(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	if _, err := c.CreateTable(ctx, createTableInput()); err != nil {
		return err
	}
	before := heapAlloc()
	var next atomic.Int64
	var size atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, cfg.workers)
	for range cfg.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cfg.memItems {
					return
				}
				p, s := i/perPartition, i%perPartition
				if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: benchItem(p, s)}); err != nil {
					errs <- err
					return
				}
				size.Add(int64(itemSizeOf(p, s)))
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	after := heapAlloc()
	runtime.KeepAlive(srv)
	held := float64(after) - float64(before)
	fmt.Printf("memory: %d items, DynamoDB size %.1f MB (%.0f B/item); heap held %.1f MB (%.0f B/item): %.2fx (target <= 3x: %s)\n",
		cfg.memItems, float64(size.Load())/1e6, float64(size.Load())/float64(cfg.memItems),
		held/1e6, held/float64(cfg.memItems), held/float64(size.Load()), verdict(held <= 3*float64(size.Load())))
	return nil
}

func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// serveNull runs the null server on addr until SIGINT or SIGTERM.
func serveNull(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := newNullServer()
	go func() {
		sig := make(chan os.Signal, 1)
		signalNotify(sig)
		<-sig
		ln.Close()
	}()
	err = srv.Serve(ln)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
