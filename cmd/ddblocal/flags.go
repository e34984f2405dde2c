package main

import (
	"flag"
	"fmt"
	"net"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// description is the one line -help prints first.
const description = "ddblocal: a standalone DynamoDB-compatible server for any AWS SDK, and a drop-in for DynamoDB Local."

// version is set at build time with -ldflags "-X main.version=v0.1.0";
// otherwise -version reports the module version or VCS revision the
// binary was built from.
var version = ""

// dynamoDBLocalPort is the port DynamoDB Local listens on by default.
const dynamoDBLocalPort = 8000

// extraFlags are the flags beyond -addr, -data, -quiet and -cpuprofile:
// DynamoDB Local's own flags, accepted with its meanings, and ddblocal's
// version, health check and request log flags.
type extraFlags struct {
	// DynamoDB Local's flags.
	port             int
	inMemory         bool
	dbPath           string
	sharedDb         bool
	delayTransient   bool
	cors             string
	optimizeDb       bool
	disableTelemetry bool
	jar              string

	version     bool
	healthcheck bool
	logRequests bool
	logFormat   string
}

// dynamoDBLocalFlags names DynamoDB Local's flags but -cors and -help,
// which mean the same in both modes. Giving any of them makes ddblocal
// start as DynamoDB Local would: see settings.
var dynamoDBLocalFlags = []string{"port", "inMemory", "dbPath", "sharedDb",
	"delayTransientStatuses", "optimizeDbBeforeStartup", "disableTelemetry", "jar"}

// defineFlags adds the extra flags to fs and sets its usage text.
func defineFlags(fs *flag.FlagSet) *extraFlags {
	x := &extraFlags{}
	const dl = "DynamoDB Local: "
	fs.IntVar(&x.port, "port", dynamoDBLocalPort, dl+"listen on all interfaces on `PORT`")
	fs.BoolVar(&x.inMemory, "inMemory", false, dl+"keep data in memory only")
	fs.StringVar(&x.dbPath, "dbPath", "", dl+"keep data in `DIR` (default: the current directory, unless -inMemory)")
	fs.BoolVar(&x.sharedDb, "sharedDb", false, dl+"one namespace of tables for all regions (without it, each region has its own)")
	fs.BoolVar(&x.delayTransient, "delayTransientStatuses", false, dl+"keep tables and indexes in their transient states (CREATING, UPDATING, DELETING) for 500ms unless -create-delay/-delete-delay/-update-delay say otherwise")
	fs.StringVar(&x.cors, "cors", "*", dl+"comma-separated `ORIGINS` allowed by CORS, * for any, empty for none")
	fs.BoolVar(&x.optimizeDb, "optimizeDbBeforeStartup", false, dl+"accepted and ignored (needs -dbPath)")
	fs.BoolVar(&x.disableTelemetry, "disableTelemetry", false, dl+"accepted and ignored: ddblocal sends no telemetry")
	fs.StringVar(&x.jar, "jar", "", dl+"ignored, so that DynamoDB Local's docker command (-jar DynamoDBLocal.jar ...) works unchanged")
	fs.BoolVar(&x.version, "version", false, "print the version and exit")
	fs.BoolVar(&x.healthcheck, "healthcheck", false, "check that a server answers on the listen address, and exit 0 if it does (for container health checks)")
	fs.BoolVar(&x.logRequests, "log-requests", false, "log each request: operation, table, HTTP status, duration")
	fs.StringVar(&x.logFormat, "log-format", "text", "request log `FORMAT`: text or json")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, description)
		fmt.Fprintln(w, "\nUsage: ddblocal [flags]\n\nFlags:")
		fs.PrintDefaults()
	}
	return x
}

// settings is what the flags decide, once checked.
type settings struct {
	addr    string   // listen address
	data    string   // absolute data directory; "" keeps data in memory
	shared  bool     // one table namespace for every region
	origins []string // CORS: allowed origins, "*" for any; nil disables CORS
	logJSON bool     // request log in JSON rather than text
}

// settings checks the parsed flags (addr and data are -addr and -data)
// and resolves them; an error is a usage error. ddblocal's own defaults hold unless one of DynamoDB
// Local's flags is given; then it starts as DynamoDB Local does: listening
// on all interfaces on -port (8000), with its data in -dbPath or the
// current directory unless -inMemory, and one namespace per region unless
// -sharedDb.
func (x *extraFlags) settings(fs *flag.FlagSet, addr, data string) (settings, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	usage := func(format string, a ...any) (settings, error) {
		return settings{}, fmt.Errorf(format, a...)
	}
	for _, pair := range [][2]string{{"addr", "port"}, {"inMemory", "dbPath"}, {"inMemory", "data"}, {"data", "dbPath"}} {
		if set[pair[0]] && set[pair[1]] {
			return usage("-%s and -%s cannot be used together", pair[0], pair[1])
		}
	}
	if x.port < 0 || x.port > 65535 {
		return usage("-port %d is not a port number", x.port)
	}
	if x.optimizeDb && !set["dbPath"] {
		return usage("-optimizeDbBeforeStartup needs -dbPath")
	}
	if x.logFormat != "text" && x.logFormat != "json" {
		return usage("-log-format %q: want text or json", x.logFormat)
	}
	compat := false
	for _, name := range dynamoDBLocalFlags {
		compat = compat || set[name]
	}
	s := settings{addr: addr, data: data, logJSON: x.logFormat == "json"}
	s.shared = x.sharedDb
	if compat {
		s.addr = net.JoinHostPort("", strconv.Itoa(x.port))
		if s.data == "" && !x.inMemory {
			s.data = "."
		}
	}
	if x.dbPath != "" {
		s.data = x.dbPath
	}
	if set["addr"] {
		s.addr = addr
	}
	if s.data != "" {
		abs, err := filepath.Abs(s.data)
		if err != nil {
			return settings{}, err
		}
		s.data = abs
	}
	for _, o := range strings.Split(x.cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			s.origins = append(s.origins, o)
		}
	}
	return s, nil
}

// versionLine is what -version prints.
func versionLine() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		v = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && (v == "" || v == "(devel)") {
				v = "devel-" + s.Value[:min(12, len(s.Value))]
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return fmt.Sprintf("ddblocal %s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// clientURL is the URL a client on this machine uses to reach a server
// listening on addr (host:port): an unspecified host (all interfaces) is
// reached on 127.0.0.1.
func clientURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// describeListener is how the listening line names the address a server
// listens on: its client URL, said to be on all interfaces when it is.
func describeListener(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return "all interfaces, " + clientURL(addr.String())
	}
	return clientURL(addr.String())
}
