package ddbtest

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// tableDelays is how long tables stay CREATING, DELETING and UPDATING
// (see WithTableDelays); zero durations make changes instant.
type tableDelays struct {
	create, delete, update time.Duration
}

// capacityChanges is the history of a table's or GSI's provisioned
// throughput that DescribeTable shows in ProvisionedThroughput.
type capacityChanges struct {
	LastIncrease float64 `json:",omitempty"` // epoch seconds
	LastDecrease float64 `json:",omitempty"`
	Decreases    int64   `json:",omitempty"` // on day DecreaseDay (UTC)
	DecreaseDay  int64   `json:",omitempty"`
}

// record notes a change of throughput from (oldR, oldW) to (r, w) at now:
// an increase of either, a decrease of either, or both.
func (c *capacityChanges) record(oldR, oldW, r, w int64, now time.Time) {
	at := float64(now.UnixMilli()) / 1000
	if r > oldR || w > oldW {
		c.LastIncrease = at
	}
	if r < oldR || w < oldW {
		c.LastDecrease = at
		if day := now.Unix() / 86400; day != c.DecreaseDay {
			c.DecreaseDay, c.Decreases = day, 0
		}
		c.Decreases++
	}
}

// describe renders the throughput (r, w) with its history, as of now.
func (c *capacityChanges) describe(r, w int64, now time.Time) throughputDesc {
	d := throughputDesc{ReadCapacityUnits: r, WriteCapacityUnits: w,
		LastIncreaseDateTime: c.LastIncrease, LastDecreaseDateTime: c.LastDecrease}
	if now.Unix()/86400 == c.DecreaseDay {
		d.NumberOfDecreasesToday = c.Decreases
	}
	return d
}

// unchangedThroughput is DynamoDB's answer to an UpdateTable that asks
// for the throughput a table already has.
func unchangedThroughput(curR, curW, r, w int64) error {
	return validationError("The provisioned throughput for the table will not change. The requested value equals the current value. " +
		"Current ReadCapacityUnits provisioned for the table: " + itoa(int(curR)) + ". Requested ReadCapacityUnits: " + itoa(int(r)) + ". " +
		"Current WriteCapacityUnits provisioned for the table: " + itoa(int(curW)) + ". Requested WriteCapacityUnits: " + itoa(int(w)) + ". " +
		"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
}

// DescribeLimits answers DynamoDB's default quotas of an account.
func (s *Server) describeLimits(body []byte) ([]byte, error) {
	var in struct{}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	return []byte(`{"AccountMaxReadCapacityUnits":80000,"AccountMaxWriteCapacityUnits":80000,"TableMaxReadCapacityUnits":40000,"TableMaxWriteCapacityUnits":40000}`), nil
}

// describeEndpoints answers, like DynamoDB, the regional endpoint of the
// request's region.
func (s *Server) describeEndpoints(body []byte) ([]byte, error) {
	var in struct{}
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	return []byte(`{"Endpoints":[{"Address":"dynamodb.` + s.region + `.amazonaws.com","CachePeriodInMinutes":1440}]}`), nil
}

// WithTableDelays makes tables pass through DynamoDB's transitional
// states instead of changing at once: a new table (and its GSIs) is
// CREATING for create, a deleted one DELETING for delete, and a table
// changed by UpdateTable UPDATING for update (a GSI it adds CREATING and
// Backfilling, one it drops DELETING). Meanwhile the server answers as
// DynamoDB does: item operations on a CREATING or DELETING table fail
// with ResourceNotFoundException, UpdateTable, DeleteTable and
// UpdateTimeToLive on a table that is not ACTIVE with
// ResourceInUseException, and reads of a backfilling index with
// ValidationException. Time is the server's clock (WithClock), so tests
// can step through the states without sleeping. Zero durations, the
// default, keep changes instant.
func WithTableDelays(create, delete, update time.Duration) Option {
	return func(c *config) { c.delays = tableDelays{create: create, delete: delete, update: update} }
}

// tableState is a table's transitional state: status (CREATING, UPDATING
// or DELETING) until until, then ACTIVE. It is immutable once published
// in table.state.
type tableState struct {
	status      string
	until       time.Time
	backfilling map[string]bool // GSIs UpdateTable is creating
	gone        []indexDesc     // GSIs UpdateTable deleted, described as DELETING
}

// statusAt returns the table's status at now.
func (t *table) statusAt(now time.Time) string {
	if st := t.state.Load(); st != nil && now.Before(st.until) {
		return st.status
	}
	return "ACTIVE"
}

// transition puts t in status for d from now (nothing when d is zero).
func (t *table) transition(status string, now time.Time, d time.Duration, backfilling map[string]bool, gone []indexDesc) {
	if d > 0 {
		t.state.Store(&tableState{status: status, until: now.Add(d), backfilling: backfilling, gone: gone})
	}
}

// unavailable reports whether item operations must not see t at now:
// it is being created or deleted.
func (t *table) unavailable(now func() time.Time) bool {
	st := t.state.Load()
	return st != nil && (st.status == "CREATING" || st.status == "DELETING") && now().Before(st.until)
}

// backfilling reports whether the GSI called name is still being built
// at now.
func (t *table) backfilling(name string, now time.Time) bool {
	st := t.state.Load()
	return st != nil && st.backfilling[name] && now.Before(st.until)
}

// inUse is the ResourceInUseException of changing a table that is not
// ACTIVE (status is its status).
func inUse(name, status string) error {
	what := map[string]string{"CREATING": "created", "UPDATING": "updated", "DELETING": "deleted"}[status]
	return dynamoError("ResourceInUseException", "Attempt to change a resource which is still in use: Table is being "+what+": "+name)
}

// checkActive fails with ResourceInUseException when t is not ACTIVE.
func (s *Server) checkActive(t *table) error {
	if st := t.statusAt(s.clock()); st != "ACTIVE" {
		return inUse(t.name, st)
	}
	return nil
}

// applyState sets the statuses of d, t's description at now.
func (t *table) applyState(d *tableDescription, now time.Time) {
	st := t.state.Load()
	if st == nil || !now.Before(st.until) {
		return
	}
	d.TableStatus = st.status
	for i := range d.GlobalSecondaryIndexes {
		g := &d.GlobalSecondaryIndexes[i]
		switch {
		case st.status == "CREATING":
			g.IndexStatus = "CREATING"
		case st.backfilling[g.IndexName]:
			g.IndexStatus, g.Backfilling = "CREATING", aws.Bool(true)
		}
	}
	d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, st.gone...)
}

// gone reports whether t, still in s.tables, was deleted and is past
// its DELETING state (with delays, a deleted table stays listed and
// described while DELETING).
func (s *Server) gone(t *table) bool {
	st := t.state.Load()
	return st != nil && st.status == "DELETING" && !s.clock().Before(st.until)
}

// updating puts t in UPDATING after an UpdateTable that changed old into
// t.meta, creating and dropping the GSIs named.
func (s *Server) updating(t *table, old tableMeta, created []indexMeta, dropped []string) {
	if s.delays.update == 0 {
		return
	}
	backfilling := map[string]bool{}
	for _, im := range created {
		backfilling[im.Name] = true
	}
	var gone []indexDesc
	for _, name := range dropped {
		if i := indexOf(old.GSIs, name); i >= 0 {
			im := old.GSIs[i]
			gone = append(gone, indexDesc{IndexName: name, KeySchema: im.KeySchema, Projection: im.Projection, IndexStatus: "DELETING",
				IndexArn: tableArn(t.region, t.name) + "/index/" + name})
		}
	}
	t.transition("UPDATING", s.clock(), s.delays.update, backfilling, gone)
}

// Warm throughput (what a table or global secondary index sustains at
// once) and on-demand maximum throughput are recorded and described
// only: ddbtest never throttles.

// The warm throughput of a new on-demand table or GSI (developer guide,
// "Understanding DynamoDB warm throughput in different scenarios").
const (
	onDemandWarmRead  = 12000
	onDemandWarmWrite = 4000
)

// warmIn is the WarmThroughput of a request.
type warmIn struct {
	ReadUnitsPerSecond  *int64
	WriteUnitsPerSecond *int64
}

// onDemandIO is an OnDemandThroughput, in requests and descriptions.
type onDemandIO struct {
	MaxReadRequestUnits  *int64 `json:",omitempty"`
	MaxWriteRequestUnits *int64 `json:",omitempty"`
}

// warmDesc is the WarmThroughput of a table's or GSI's description.
type warmDesc struct {
	ReadUnitsPerSecond  int64
	WriteUnitsPerSecond int64
	Status              string
}

// throughputSettings are the warm and on-demand maximum throughput of a
// table or GSI, recorded in its meta (absent from older metas: zero).
type throughputSettings struct {
	// WarmRead and WarmWrite are the warm throughput reached, set or kept
	// from an earlier capacity (0: that of the current capacity).
	WarmRead  int64 `json:",omitempty"`
	WarmWrite int64 `json:",omitempty"`
	// MaxRead and MaxWrite are the on-demand maximum (0: none).
	MaxRead  int64 `json:",omitempty"`
	MaxWrite int64 `json:",omitempty"`
}

// warm returns the warm throughput of a table or GSI of capacity (read,
// write), or on demand: the larger of what it reached and what its
// capacity gives.
func (ts *throughputSettings) warm(payPerReq bool, read, write int64) (r, w int64) {
	if payPerReq {
		read, write = onDemandWarmRead, onDemandWarmWrite
	}
	return max(ts.WarmRead, read), max(ts.WarmWrite, write)
}

// keepWarm records the current warm throughput before a change of
// capacity: warm throughput never decreases.
func (ts *throughputSettings) keepWarm(payPerReq bool, read, write int64) {
	ts.WarmRead, ts.WarmWrite = ts.warm(payPerReq, read, write)
}

// warmDesc describes the warm throughput.
func (ts *throughputSettings) warmDesc(payPerReq bool, read, write int64) *warmDesc {
	r, w := ts.warm(payPerReq, read, write)
	return &warmDesc{ReadUnitsPerSecond: r, WriteUnitsPerSecond: w, Status: "ACTIVE"}
}

// throughputField is one member of a WarmThroughput or OnDemandThroughput.
type throughputField struct {
	name string
	in   *int64 // requested, or nil
	dst  *int64 // recorded
}

// setWarm applies the requested warm throughput to ts, a table's or GSI's
// (what: "table" or "index NAME") of capacity (read, write). Warm
// throughput can only increase (developer guide); the messages are ours.
func (ts *throughputSettings) setWarm(in *warmIn, what string, payPerReq bool, read, write int64) error {
	if in == nil {
		return nil
	}
	if in.ReadUnitsPerSecond == nil && in.WriteUnitsPerSecond == nil {
		return validationError("One or more parameter values were invalid: WarmThroughput must specify ReadUnitsPerSecond, WriteUnitsPerSecond, or both")
	}
	set := *ts
	set.keepWarm(payPerReq, read, write)
	for _, f := range []throughputField{
		{"ReadUnitsPerSecond", in.ReadUnitsPerSecond, &set.WarmRead},
		{"WriteUnitsPerSecond", in.WriteUnitsPerSecond, &set.WarmWrite},
	} {
		if f.in == nil {
			continue
		}
		if *f.in < *f.dst {
			return validationError("One or more parameter values were invalid: Requested " + f.name + " for WarmThroughput for " + what +
				" is lower than its current warm throughput. Requested: " + strconv.FormatInt(*f.in, 10) + ", current: " + strconv.FormatInt(*f.dst, 10))
		}
		*f.dst = *f.in
	}
	*ts = set
	return nil
}

// setOnDemand applies the requested on-demand maximum throughput to ts, a
// table's or GSI's; -1 removes a maximum (API reference,
// OnDemandThroughput). The messages are ours.
func (ts *throughputSettings) setOnDemand(in *onDemandIO, payPerReq bool) error {
	if in == nil {
		return nil
	}
	if !payPerReq {
		return validationError("One or more parameter values were invalid: OnDemandThroughput can only be specified when BillingMode is PAY_PER_REQUEST")
	}
	if in.MaxReadRequestUnits == nil && in.MaxWriteRequestUnits == nil {
		return validationError("One or more parameter values were invalid: OnDemandThroughput must specify MaxReadRequestUnits, MaxWriteRequestUnits, or both")
	}
	set := *ts
	for _, f := range []throughputField{
		{"MaxReadRequestUnits", in.MaxReadRequestUnits, &set.MaxRead},
		{"MaxWriteRequestUnits", in.MaxWriteRequestUnits, &set.MaxWrite},
	} {
		switch {
		case f.in == nil:
		case *f.in == -1:
			*f.dst = 0
		case *f.in < 1:
			return validationError("One or more parameter values were invalid: " + f.name + " must be at least 1, or -1 to remove the maximum. Requested: " + strconv.FormatInt(*f.in, 10))
		default:
			*f.dst = *f.in
		}
	}
	*ts = set
	return nil
}

// onDemandDesc describes the on-demand maximum throughput, if any: -1 for
// the member without one.
func (ts *throughputSettings) onDemandDesc(payPerReq bool) *onDemandIO {
	if !payPerReq || ts.MaxRead == 0 && ts.MaxWrite == 0 {
		return nil
	}
	unit := func(v int64) *int64 {
		if v == 0 {
			v = -1
		}
		return &v
	}
	return &onDemandIO{MaxReadRequestUnits: unit(ts.MaxRead), MaxWriteRequestUnits: unit(ts.MaxWrite)}
}
