// Package console is ddblocal's web console: pages to browse, query and
// edit tables, served at /console/. It is a client of the public DynamoDB
// API (every page is built from the answers of an aws-sdk-go-v2 client), so
// it shows what any SDK would see.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// Prefix is the path the console is served under.
const Prefix = "/console/"

// Options configures a console.
type Options struct {
	// Write enables the pages that change data: create and delete tables,
	// put, edit and delete items. Without it the console is read-only.
	Write bool
	// Recorder, when set, feeds the Activity page. It should wrap the
	// DynamoDB handler the client talks to.
	Recorder *Recorder
	// LocalOnly refuses requests whose Host is not "localhost" or an IP
	// address: a console on a loopback address must not answer a page of
	// another site that rebinds its DNS name to 127.0.0.1.
	LocalOnly bool
}

//go:embed templates/*.html static/*
var assets embed.FS

// console serves the pages.
type console struct {
	db    *dynamodb.Client
	opts  Options
	pages map[string]*template.Template
}

// New returns the console's handler, to be mounted at Prefix. db is a
// client of the server the console shows.
func New(db *dynamodb.Client, opts Options) http.Handler {
	c := &console{db: db, opts: opts, pages: map[string]*template.Template{}}
	names, _ := fs.Glob(assets, "templates/*.html")
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		c.pages[page] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", name))
	}
	static, _ := fs.Sub(assets, "static")

	mux := http.NewServeMux()
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /console/{$}", c.tables)
	mux.HandleFunc("GET /console/new-table", c.newTableForm)
	mux.HandleFunc("POST /console/new-table", c.createTable)
	mux.HandleFunc("GET /console/tables/{name}", c.items)
	mux.HandleFunc("GET /console/tables/{name}/schema", c.schema)
	mux.HandleFunc("GET /console/tables/{name}/delete", c.deleteTableForm)
	mux.HandleFunc("POST /console/tables/{name}/delete", c.deleteTable)
	mux.HandleFunc("GET /console/tables/{name}/item", c.item)
	mux.HandleFunc("POST /console/tables/{name}/item", c.saveItem)
	mux.HandleFunc("GET /console/tables/{name}/new-item", c.newItemForm)
	mux.HandleFunc("POST /console/tables/{name}/new-item", c.createItem)
	mux.HandleFunc("GET /console/activity", c.activity)
	mux.HandleFunc("GET /console/activity.json", c.activityJSON)
	mux.HandleFunc("/console/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, http.StatusNotFound, "Not found", errors.New("no console page at "+r.URL.Path))
	})
	return c.guard(mux)
}

// Mount returns a handler serving the console at Prefix (and redirecting
// /console to it) and api, the DynamoDB API, everywhere else; api is
// wrapped by opts.Recorder when set. db must be a client of that handler.
func Mount(api http.Handler, db *dynamodb.Client, opts Options) http.Handler {
	if opts.Recorder != nil {
		api = opts.Recorder.Wrap(api)
	}
	mux := http.NewServeMux()
	mux.Handle(Prefix, New(db, opts))
	mux.Handle("/", api)
	return mux
}

// guard refuses writes when the console is read-only, cross-site writes
// always (a page on another site must not post forms to a console on the
// developer's machine), and with LocalOnly unexpected Host names.
func (c *console) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.opts.LocalOnly && !localHost(r.Host) {
			c.fail(w, r, http.StatusForbidden, "Unexpected host",
				fmt.Errorf("the console answers only to localhost or an IP address, not %q", r.Host))
			return
		}
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		if r.Method == http.MethodPost {
			if !c.opts.Write {
				c.fail(w, r, http.StatusForbidden, "Read-only console",
					errors.New("the console is read-only; start ddblocal with -console-write to change data"))
				return
			}
			if !sameOrigin(r) {
				c.fail(w, r, http.StatusForbidden, "Cross-site request refused",
					errors.New("the console only accepts forms posted from its own pages"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// localHost reports whether a Host header names localhost or an IP address.
func localHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil
}

// sameOrigin reports whether a POST comes from the console's own origin,
// going by Origin, or Sec-Fetch-Site when a browser sends no Origin.
func sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin" || site == "none"
}

// page is what every template gets.
type page struct {
	Title    string
	Write    bool
	Activity bool
	Table    string // the table the page is about, for the navigation
	Err      string // an error to show, as the API gave it
	Done     string // a message about what the last form did
	Data     any
}

func (c *console) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Write = c.opts.Write
	p.Activity = c.opts.Recorder != nil
	if p.Done == "" {
		p.Done = r.URL.Query().Get("done")
	}
	var buf strings.Builder
	if err := c.pages[name].Execute(&buf, p); err != nil {
		http.Error(w, "console: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(buf.String()))
}

// fail shows err on a page of its own.
func (c *console) fail(w http.ResponseWriter, r *http.Request, status int, title string, err error) {
	c.render(w, r, status, "message", page{Title: title, Err: errText(err), Table: r.PathValue("name")})
}

// apiFail shows an error from the API, with the HTTP status it came with.
func (c *console) apiFail(w http.ResponseWriter, r *http.Request, title string, err error) {
	c.fail(w, r, errStatus(err), title, err)
}

// errText is err as DynamoDB gives it: "Type: message".
func errText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if msg := ae.ErrorMessage(); msg != "" {
			return ae.ErrorCode() + ": " + msg
		}
		return ae.ErrorCode()
	}
	return err.Error()
}

// errStatus is the HTTP status to answer an error with: the API's own for
// an API error, 400 for bad input.
func errStatus(err error) int {
	var he interface{ HTTPStatusCode() int }
	if errors.As(err, &he) && he.HTTPStatusCode() >= 400 {
		return he.HTTPStatusCode()
	}
	return http.StatusBadRequest
}

// redirect sends the browser to path (under Prefix) with a done message.
func redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "done=" + url.QueryEscape(done)
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// tablePath is the URL of a table's page, with an optional suffix.
func tablePath(name string, suffix string) string {
	return Prefix + "tables/" + url.PathEscape(name) + suffix
}

// itemPath is the URL of an item's page.
func itemPath(table string, key Item) string {
	return tablePath(table, "/item?key="+url.QueryEscape(compactJSON(key)))
}

var funcs = template.FuncMap{
	"tablePath": tablePath,
	"bytes":     humanBytes,
	"ms": func(d time.Duration) string {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	},
	"join":       strings.Join,
	"deref":      deref,
	"keyTypes":   func() []string { return []string{"S", "N", "B"} },
	"valueTypes": func() []string { return []string{"S", "N", "B", "BOOL", "NULL"} },
	"pair": func(name, value string) struct{ Name, Value string } {
		return struct{ Name, Value string }{name, value}
	},
	"filterRow": func(row filterRow, ops []string) struct {
		Row filterRow
		Ops []string
	} {
		return struct {
			Row filterRow
			Ops []string
		}{row, ops}
	},
	"sortOps":     func() []string { return sortKeyOps },
	"emptyFilter": func() filterRow { return filterRow{Op: "=", Type: "S"} },
}

// deref is what a pointer points to, or "" for nil.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		return v
	}
	if rv.IsNil() {
		return ""
	}
	return rv.Elem().Interface()
}

// humanBytes is n bytes in B, KB, MB or GB.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 2; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMG"[exp])
}

// describe returns a table's description.
func (c *console) describe(ctx context.Context, name string) (*types.TableDescription, error) {
	out, err := c.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		return nil, err
	}
	return out.Table, nil
}

// keyAttr is one attribute of a key schema with its declared type.
type keyAttr struct{ Name, Type string }

// keyParts splits a key schema into its partition and sort attributes,
// each in declared order (a multi-attribute GSI key has up to four of
// each), typed from the table's attribute definitions typ.
func keyParts(ks []types.KeySchemaElement, typ map[string]string) (partition, sort []keyAttr) {
	for _, k := range ks {
		a := keyAttr{aws.ToString(k.AttributeName), typ[aws.ToString(k.AttributeName)]}
		if k.KeyType == types.KeyTypeHash {
			partition = append(partition, a)
		} else {
			sort = append(sort, a)
		}
	}
	return partition, sort
}

// attrTypes maps a table's key attributes to their types (S, N or B).
func attrTypes(t *types.TableDescription) map[string]string {
	m := make(map[string]string, len(t.AttributeDefinitions))
	for _, d := range t.AttributeDefinitions {
		m[*d.AttributeName] = string(d.AttributeType)
	}
	return m
}

// keyOf is the primary key of item in table t.
func keyOf(t *types.TableDescription, item Item) Item {
	key := make(Item, len(t.KeySchema))
	for _, k := range t.KeySchema {
		key[*k.AttributeName] = item[*k.AttributeName]
	}
	return key
}
