package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ddb-go/ddb/internal/console"
)

// consoleFlags are the web console's flags.
type consoleFlags struct {
	on     optBool
	write  bool
	region string
}

// optBool is a boolean flag that remembers whether it was given.
type optBool struct{ set, value bool }

func (b *optBool) String() string   { return strconv.FormatBool(b.value) }
func (b *optBool) IsBoolFlag() bool { return true }
func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.value = true, v
	return nil
}

func addConsoleFlags(fs *flag.FlagSet) *consoleFlags {
	cf := &consoleFlags{}
	fs.Var(&cf.on, "console", "serve the web console at /console/ (default: on when listening on loopback only)")
	fs.BoolVar(&cf.write, "console-write", false, "let the console change data (create and delete tables, edit items)")
	fs.StringVar(&cf.region, "console-region", defaultRegion(), "the `region` whose tables the console shows (tables are kept per region unless -sharedDb)")
	return cf
}

// errConsoleWrite is the usage error of -console-write without a console.
var errConsoleWrite = errors.New("-console-write needs the console: it is off by default on a non-loopback address; add -console")

// mount returns the server's handler with the console mounted at
// /console/ when it is on for the address ln listens on, and a line to
// print about it ("" when off). The console is a client of the server at
// that address. rec, when not nil, records every API request (for
// -log-requests); the console's activity page reads the same recorder.
func (cf *consoleFlags) mount(db http.Handler, ln net.Addr, rec *console.Recorder) (h http.Handler, line string, err error) {
	tcp, _ := ln.(*net.TCPAddr)
	loopback := tcp != nil && tcp.IP.IsLoopback()
	on := cf.on.value
	if !cf.on.set {
		on = loopback
	}
	if !on {
		if cf.write {
			return nil, "", errConsoleWrite
		}
		if rec != nil {
			db = rec.Wrap(db)
		}
		return db, "", nil
	}
	if rec == nil {
		rec = console.NewRecorder(0)
	}
	base := "http://" + clientAddr(tcp)
	client := dynamodb.New(dynamodb.Options{
		Region:       cf.region,
		BaseEndpoint: aws.String(base),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDCONSOLE", SecretAccessKey: "console", Source: "ddblocal console"}, nil
		}),
	})
	mux := console.Mount(db, client, console.Options{Write: cf.write, Recorder: rec, LocalOnly: loopback})
	mode := "read-only; -console-write to edit"
	if cf.write {
		mode = "write enabled"
	}
	return mux, "console: " + base + console.Prefix + " (" + mode + "; region " + cf.region + ")", nil
}

// defaultRegion is the region an SDK client would use here: AWS_REGION,
// else AWS_DEFAULT_REGION, else us-east-1.
func defaultRegion() string {
	for _, v := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := os.Getenv(v); r != "" {
			return r
		}
	}
	return "us-east-1"
}

// clientAddr is the host:port the console's client dials: the listening
// address, with a wildcard host replaced by loopback.
func clientAddr(a *net.TCPAddr) string {
	ip := a.IP
	switch {
	case ip == nil || ip.Equal(net.IPv4zero):
		ip = net.IPv4(127, 0, 0, 1)
	case ip.Equal(net.IPv6unspecified):
		ip = net.IPv6loopback
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(a.Port))
}
