package ddb

// Table management: create, describe, ensure and delete the table that a
// Table[T]'s schema describes.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDB's limits on secondary indexes per table.
const (
	maxLocalIndexes  = 5
	maxGlobalIndexes = 20
)

// Throughput is provisioned read and write capacity, in capacity units per
// second.
type Throughput struct {
	Read, Write int64
}

// CreateOption configures CreateTable and Ensure.
type CreateOption func(*createOptions)

type createOptions struct {
	provisioned *Throughput           // nil: on-demand
	indexTP     map[string]Throughput // per-GSI throughput (provisioned tables)
	projections map[string]*types.Projection
	tags        map[string]string
	stream      types.StreamViewType // "": no stream
	err         error                // first invalid option
}

func (o *createOptions) fail(format string, args ...any) {
	if o.err == nil {
		o.err = opErr("CreateTable", "", ErrInvalidInput, format, args...)
	}
}

// Provisioned makes the table use provisioned capacity (read and write
// capacity units per second) instead of on-demand billing, the default.
// Global indexes get the same capacity unless IndexThroughput says otherwise.
func Provisioned(read, write int64) CreateOption {
	return func(o *createOptions) {
		if read <= 0 || write <= 0 {
			o.fail("provisioned throughput must be positive, got read %d write %d", read, write)
		}
		o.provisioned = &Throughput{Read: read, Write: write}
	}
}

// IndexThroughput sets the provisioned capacity of the global index named
// index. It requires Provisioned.
func IndexThroughput(index string, read, write int64) CreateOption {
	return func(o *createOptions) {
		if read <= 0 || write <= 0 {
			o.fail("index %q: provisioned throughput must be positive, got read %d write %d", index, read, write)
		}
		if o.indexTP == nil {
			o.indexTP = map[string]Throughput{}
		}
		o.indexTP[index] = Throughput{Read: read, Write: write}
	}
}

// ProjectKeysOnly makes the secondary index named index project only the
// table and index keys. Indexes project all attributes by default.
func ProjectKeysOnly(index string) CreateOption {
	return projectOpt(index, &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly})
}

// ProjectInclude makes the secondary index named index project the keys
// plus the given attributes (top-level attribute names).
func ProjectInclude(index string, attrs ...string) CreateOption {
	p := &types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: append([]string(nil), attrs...)}
	opt := projectOpt(index, p)
	return func(o *createOptions) {
		if len(attrs) == 0 {
			o.fail("index %q: ProjectInclude needs at least one attribute", index)
		}
		opt(o)
	}
}

func projectOpt(index string, p *types.Projection) CreateOption {
	return func(o *createOptions) {
		if o.projections == nil {
			o.projections = map[string]*types.Projection{}
		}
		if _, dup := o.projections[index]; dup {
			o.fail("index %q: projection given twice", index)
		}
		o.projections[index] = p
	}
}

// Tag adds a resource tag to the table created.
func Tag(key, value string) CreateOption {
	return func(o *createOptions) {
		if key == "" {
			o.fail("empty tag key")
		}
		if o.tags == nil {
			o.tags = map[string]string{}
		}
		o.tags[key] = value
	}
}

// Stream enables the table's DynamoDB stream with the given view type
// (what each record holds: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or
// NEW_AND_OLD_IMAGES), for Table.Changes.
func Stream(view types.StreamViewType) CreateOption {
	return func(o *createOptions) {
		if !slices.Contains(view.Values(), view) {
			o.fail("stream view type %q: want one of %v", view, view.Values())
		}
		o.stream = view
	}
}

// TableDescription is the live state of a table, as DescribeTable reports it.
type TableDescription struct {
	Name   string
	ARN    string
	Status types.TableStatus
	// PK and SK are the table's key attributes; SK.Name is empty when the
	// table has no sort key.
	PK, SK KeyAttr
	// GlobalIndexes and LocalIndexes are sorted by name.
	GlobalIndexes []IndexDescription
	LocalIndexes  []IndexDescription
	// Throughput is the provisioned capacity, or nil for on-demand tables.
	Throughput *Throughput
	ItemCount  int64
	SizeBytes  int64
	CreatedAt  time.Time
}

// IndexDescription is the live state of a secondary index.
type IndexDescription struct {
	Name string
	// PK and SK are the index's partition and sort key attributes in key
	// order: one each, or up to four each for a global index with
	// multi-attribute keys; SK is empty when the index has no sort key.
	PK, SK KeyAttrs
	// Projection is ALL, KEYS_ONLY or INCLUDE; Include lists the non-key
	// attributes of an INCLUDE projection.
	Projection types.ProjectionType
	Include    []string
	// Status is empty for local indexes, which are always usable.
	Status     types.IndexStatus
	Throughput *Throughput // nil for on-demand tables and local indexes
}

// Index returns the named index (global or local) and whether it exists.
func (d *TableDescription) Index(name string) (IndexDescription, bool) {
	for _, list := range [][]IndexDescription{d.GlobalIndexes, d.LocalIndexes} {
		for _, ix := range list {
			if ix.Name == name {
				return ix, true
			}
		}
	}
	return IndexDescription{}, false
}

// SchemaMismatchError lists how a live table's keys differ from the
// schema of the Table's item type. Ensure returns it inside an *Error whose
// Kind is ErrInvalidSchema; get it with errors.As.
type SchemaMismatchError struct {
	Table string
	Diffs []string // one human-readable line per difference
}

// Error implements error.
func (e *SchemaMismatchError) Error() string {
	return fmt.Sprintf("live table %s differs from the Go schema: %s", e.Table, strings.Join(e.Diffs, "; "))
}

// createInput validates the schema and options and builds the CreateTable
// request, or fails with ErrInvalidSchema / ErrInvalidInput.
func (t *Table[T]) createInput(op string, opts []CreateOption) (*dynamodb.CreateTableInput, *createOptions, error) {
	o, err := t.createOpts(op, opts)
	if err != nil {
		return nil, nil, err
	}
	defs, err := t.attrDefs(op, nil)
	if err != nil {
		return nil, nil, err
	}
	s := t.schema
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(t.name),
		KeySchema:            keySchema([]KeyAttr{s.pk}, s.keyAttrs()[1:]),
		AttributeDefinitions: defs,
		BillingMode:          types.BillingModePayPerRequest,
	}
	if o.provisioned != nil {
		in.BillingMode = types.BillingModeProvisioned
		in.ProvisionedThroughput = o.provisioned.sdk()
	}
	for _, ix := range t.sortedIndexes() {
		if ix.Local {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
				IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.PK, ix.SK), Projection: o.projection(ix.Name)})
			continue
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, o.gsi(ix))
	}
	keys := make([]string, 0, len(o.tags))
	for k := range o.tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(o.tags[k])})
	}
	if o.stream != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: o.stream}
	}
	return in, o, nil
}

// createOpts applies opts and checks them, and the index limits, against
// the schema.
func (t *Table[T]) createOpts(op string, opts []CreateOption) (*createOptions, error) {
	o := &createOptions{}
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if o.err != nil {
		e := *o.err.(*Error)
		e.Op, e.Table = op, t.name
		return nil, &e
	}
	var nLocal, nGlobal int
	for _, ix := range t.schema.indexes {
		if ix.Local {
			nLocal++
		} else {
			nGlobal++
		}
	}
	if nLocal > maxLocalIndexes {
		return nil, opErr(op, t.name, ErrInvalidSchema, "%d local indexes, DynamoDB allows at most %d", nLocal, maxLocalIndexes)
	}
	if nGlobal > maxGlobalIndexes {
		return nil, opErr(op, t.name, ErrInvalidSchema, "%d global indexes, DynamoDB allows at most %d", nGlobal, maxGlobalIndexes)
	}
	for name := range o.projections {
		if t.schema.indexes[name] == nil {
			return nil, opErr(op, t.name, ErrInvalidInput, "projection for unknown index %q", name)
		}
	}
	for name := range o.indexTP {
		ix := t.schema.indexes[name]
		switch {
		case ix == nil:
			return nil, opErr(op, t.name, ErrInvalidInput, "throughput for unknown index %q", name)
		case ix.Local:
			return nil, opErr(op, t.name, ErrInvalidInput, "local index %q shares the table's throughput", name)
		case o.provisioned == nil:
			return nil, opErr(op, t.name, ErrInvalidInput, "IndexThroughput for %q needs Provisioned (the table is on-demand)", name)
		}
	}
	return o, nil
}

// attrDefs returns the attribute definitions of the table key and of the
// indexes (all of them when only is nil, else the table key and only),
// failing with ErrInvalidSchema when one attribute has two types.
func (t *Table[T]) attrDefs(op string, only *indexSchema) ([]types.AttributeDefinition, error) {
	s := t.schema
	attrs := s.keyAttrs()
	if only != nil {
		attrs = append(attrs, only.attrs()...)
	} else {
		for _, ix := range t.sortedIndexes() {
			attrs = append(attrs, ix.attrs()...)
		}
	}
	seen := map[string]types.ScalarAttributeType{}
	var defs []types.AttributeDefinition
	for _, a := range attrs {
		if a.Name == "" {
			continue
		}
		if typ, ok := seen[a.Name]; ok {
			if typ != a.Type {
				return nil, &Error{Op: op, Table: t.name, Field: a.Name, Kind: ErrInvalidSchema,
					Msg: fmt.Sprintf("attribute %q is used as a key of types %s and %s", a.Name, typ, a.Type)}
			}
			continue
		}
		seen[a.Name] = a.Type
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(a.Name), AttributeType: a.Type})
	}
	return defs, nil
}

func (t *Table[T]) sortedIndexes() []*indexSchema {
	out := make([]*indexSchema, 0, len(t.schema.indexes))
	for _, ix := range t.schema.indexes {
		out = append(out, ix)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// keySchema lists the partition key attributes (HASH), then the sort key
// attributes (RANGE), each in key order, as DynamoDB's KeySchema does.
func keySchema(pk, sk []KeyAttr) []types.KeySchemaElement {
	ks := make([]types.KeySchemaElement, 0, len(pk)+len(sk))
	for i, list := range [2][]KeyAttr{pk, sk} {
		for _, a := range list {
			ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(a.Name), KeyType: [2]types.KeyType{types.KeyTypeHash, types.KeyTypeRange}[i]})
		}
	}
	return ks
}

func (tp *Throughput) sdk() *types.ProvisionedThroughput {
	return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(tp.Read), WriteCapacityUnits: aws.Int64(tp.Write)}
}

func (o *createOptions) projection(index string) *types.Projection {
	if p := o.projections[index]; p != nil {
		return p
	}
	return &types.Projection{ProjectionType: types.ProjectionTypeAll}
}

// gsi builds the creation request of global index ix.
func (o *createOptions) gsi(ix *indexSchema) types.GlobalSecondaryIndex {
	g := types.GlobalSecondaryIndex{IndexName: aws.String(ix.Name), KeySchema: keySchema(ix.PK, ix.SK), Projection: o.projection(ix.Name)}
	if o.provisioned != nil {
		tp := *o.provisioned
		if itp, ok := o.indexTP[ix.Name]; ok {
			tp = itp
		}
		g.ProvisionedThroughput = tp.sdk()
	}
	return g
}

// CreateTable creates the table described by T's schema: its key, its
// secondary indexes (projecting all attributes unless ProjectKeysOnly or
// ProjectInclude say otherwise), on-demand billing unless Provisioned, and
// the tags given with Tag. It waits until the table and its indexes are
// active, then enables time to live on the `ddb:"ttl"` attribute if T has
// one. ctx bounds the whole operation, waiting included.
//
// An invalid schema or option (too many indexes, one attribute used with
// two key types, an option naming an unknown index...) fails with
// ErrInvalidSchema or ErrInvalidInput before any request.
func (t *Table[T]) CreateTable(ctx context.Context, opts ...CreateOption) error {
	const op = "CreateTable"
	in, _, err := t.createInput(op, opts)
	if err != nil {
		return err
	}
	if _, err := t.client.CreateTable(ctx, in); err != nil {
		return mapErr(op, t.name, err)
	}
	if _, err := t.waitActive(ctx, op); err != nil {
		return err
	}
	return t.enableTTL(ctx, op)
}

// enableTTL turns on time to live for T's ttl attribute, if it has one.
func (t *Table[T]) enableTTL(ctx context.Context, op string) error {
	if t.schema.ttl == nil {
		return nil
	}
	_, err := t.client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(t.name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(t.schema.ttl.Name), Enabled: aws.Bool(true)},
	})
	return mapErr(op, t.name, err)
}

// Describe returns the live key schema, indexes and state of the table.
// It fails with an error matching ErrTableNotFound when there is no table.
func (t *Table[T]) Describe(ctx context.Context) (*TableDescription, error) {
	out, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.name)})
	if err != nil {
		return nil, mapErr("Describe", t.name, err)
	}
	return describe(out.Table), nil
}

// describe converts the SDK's description into ours.
func describe(td *types.TableDescription) *TableDescription {
	attrTypes := map[string]types.ScalarAttributeType{}
	for _, d := range td.AttributeDefinitions {
		attrTypes[aws.ToString(d.AttributeName)] = d.AttributeType
	}
	keys := func(ks []types.KeySchemaElement) (pk, sk KeyAttrs) {
		for _, k := range ks {
			a := KeyAttr{Name: aws.ToString(k.AttributeName), Type: attrTypes[aws.ToString(k.AttributeName)]}
			if k.KeyType == types.KeyTypeHash {
				pk = append(pk, a)
			} else {
				sk = append(sk, a)
			}
		}
		return pk, sk
	}
	tp := func(p *types.ProvisionedThroughputDescription) *Throughput {
		if p == nil || aws.ToInt64(p.ReadCapacityUnits) == 0 && aws.ToInt64(p.WriteCapacityUnits) == 0 {
			return nil
		}
		return &Throughput{Read: aws.ToInt64(p.ReadCapacityUnits), Write: aws.ToInt64(p.WriteCapacityUnits)}
	}
	proj := func(ix *IndexDescription, p *types.Projection) {
		if p != nil {
			ix.Projection, ix.Include = p.ProjectionType, p.NonKeyAttributes
		}
	}
	d := &TableDescription{
		Name:       aws.ToString(td.TableName),
		ARN:        aws.ToString(td.TableArn),
		Status:     td.TableStatus,
		Throughput: tp(td.ProvisionedThroughput),
		ItemCount:  aws.ToInt64(td.ItemCount),
		SizeBytes:  aws.ToInt64(td.TableSizeBytes),
		CreatedAt:  aws.ToTime(td.CreationDateTime),
	}
	if td.BillingModeSummary != nil && td.BillingModeSummary.BillingMode == types.BillingModePayPerRequest {
		d.Throughput = nil
	}
	pk, sk := keys(td.KeySchema)
	d.PK, d.SK = first(pk), first(sk)
	for _, g := range td.GlobalSecondaryIndexes {
		ix := IndexDescription{Name: aws.ToString(g.IndexName), Status: g.IndexStatus}
		ix.PK, ix.SK = keys(g.KeySchema)
		proj(&ix, g.Projection)
		if d.Throughput != nil {
			ix.Throughput = tp(g.ProvisionedThroughput)
		}
		d.GlobalIndexes = append(d.GlobalIndexes, ix)
	}
	for _, l := range td.LocalSecondaryIndexes {
		ix := IndexDescription{Name: aws.ToString(l.IndexName)}
		ix.PK, ix.SK = keys(l.KeySchema)
		proj(&ix, l.Projection)
		d.LocalIndexes = append(d.LocalIndexes, ix)
	}
	for _, list := range [][]IndexDescription{d.GlobalIndexes, d.LocalIndexes} {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	return d
}

// first returns the first of attrs, or the zero KeyAttr.
func first(attrs []KeyAttr) KeyAttr {
	if len(attrs) == 0 {
		return KeyAttr{}
	}
	return attrs[0]
}

// active reports whether the table and all its global indexes are active.
func (d *TableDescription) active() bool {
	if d.Status != types.TableStatusActive {
		return false
	}
	for _, g := range d.GlobalIndexes {
		if g.Status != types.IndexStatusActive {
			return false
		}
	}
	return true
}

// Backoff of the status polls: from pollMin, growing by half each time,
// up to pollMax.
const (
	pollMin = 20 * time.Millisecond
	pollMax = 5 * time.Second
)

// poll calls check with growing pauses until it reports done, fails, or
// ctx ends.
func poll(ctx context.Context, op, table string, check func() (bool, error)) error {
	for wait := pollMin; ; wait = min(wait*3/2, pollMax) {
		done, err := check()
		if err != nil || done {
			return err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return &Error{Op: op, Table: table, Msg: "waiting for the table", Err: ctx.Err()}
		case <-timer.C:
		}
	}
}

// waitActive polls DescribeTable until the table and its global indexes
// are active, and returns the last description.
func (t *Table[T]) waitActive(ctx context.Context, op string) (*TableDescription, error) {
	var d *TableDescription
	err := poll(ctx, op, t.name, func() (bool, error) {
		var err error
		d, err = t.Describe(ctx)
		if err != nil {
			return false, err
		}
		return d.active(), nil
	})
	return d, err
}

// DeleteTable deletes the table and waits until it is gone. Deleting a
// table that does not exist fails with an error matching ErrTableNotFound.
func (t *Table[T]) DeleteTable(ctx context.Context) error {
	const op = "DeleteTable"
	if _, err := t.client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(t.name)}); err != nil {
		return mapErr(op, t.name, err)
	}
	return poll(ctx, op, t.name, func() (bool, error) {
		_, err := t.Describe(ctx)
		if errors.Is(err, ErrTableNotFound) {
			return true, nil
		}
		return false, err
	})
}

// Ensure makes the live table match T's schema as far as DynamoDB allows
// without data loss: it creates the table (as CreateTable does) when there
// is none, and otherwise adds the global indexes T declares that the table
// lacks, one at a time, waiting for each to become active, and enables time
// to live when T has a ttl attribute and the table has none.
//
// Differences Ensure cannot fix (another table key, a local index that
// does not exist, an index with other keys) fail with an error matching
// ErrInvalidSchema that unwraps (errors.As) to *SchemaMismatchError listing
// them all; nothing is changed then. Indexes the table has but T does not
// declare are left alone. opts are those of CreateTable; for an existing
// table, only index projections and throughputs are used.
func (t *Table[T]) Ensure(ctx context.Context, opts ...CreateOption) error {
	const op = "Ensure"
	in, o, err := t.createInput(op, opts)
	if err != nil {
		return err
	}
	d, err := t.Describe(expecting(ctx, ErrTableNotFound))
	if errors.Is(err, ErrTableNotFound) {
		if _, err := t.client.CreateTable(ctx, in); err != nil {
			return mapErr(op, t.name, err)
		}
		if _, err := t.waitActive(ctx, op); err != nil {
			return err
		}
		return t.enableTTL(ctx, op)
	}
	if err != nil {
		return err
	}
	missing, diffs := t.compare(d)
	if len(diffs) > 0 {
		return &Error{Op: op, Table: t.name, Kind: ErrInvalidSchema, Err: &SchemaMismatchError{Table: t.name, Diffs: diffs}}
	}
	if !d.active() {
		if d, err = t.waitActive(ctx, op); err != nil {
			return err
		}
	}
	if d.Throughput == nil {
		o.provisioned = nil // the live billing mode decides
	} else if o.provisioned == nil {
		o.provisioned = d.Throughput
	}
	for _, ix := range missing {
		if err := t.addIndex(ctx, op, o, ix); err != nil {
			return err
		}
	}
	if t.schema.ttl == nil {
		return nil
	}
	out, err := t.client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(t.name)})
	if err != nil {
		return mapErr(op, t.name, err)
	}
	if ttl := out.TimeToLiveDescription; ttl != nil {
		switch ttl.TimeToLiveStatus {
		case types.TimeToLiveStatusEnabled, types.TimeToLiveStatusEnabling:
			if got := aws.ToString(ttl.AttributeName); got != t.schema.ttl.Name {
				return &Error{Op: op, Table: t.name, Kind: ErrInvalidSchema, Err: &SchemaMismatchError{Table: t.name,
					Diffs: []string{fmt.Sprintf("time to live is on attribute %q, the Go schema has %q", got, t.schema.ttl.Name)}}}
			}
			return nil
		}
	}
	return t.enableTTL(ctx, op)
}

// compare returns the global indexes of the schema that d lacks and the
// differences that cannot be fixed by adding indexes.
func (t *Table[T]) compare(d *TableDescription) (missing []*indexSchema, diffs []string) {
	s := t.schema
	keyDiff := func(what string, wantPK, wantSK, gotPK, gotSK []KeyAttr) {
		if !slices.Equal(wantPK, gotPK) {
			diffs = append(diffs, fmt.Sprintf("%s partition key: live %s, Go %s", what, fmtKey(gotPK), fmtKey(wantPK)))
		}
		if !slices.Equal(wantSK, gotSK) {
			diffs = append(diffs, fmt.Sprintf("%s sort key: live %s, Go %s", what, fmtKey(gotSK), fmtKey(wantSK)))
		}
	}
	keyDiff("table", []KeyAttr{s.pk}, s.keyAttrs()[1:], nonEmpty(d.PK), nonEmpty(d.SK))
	for _, ix := range t.sortedIndexes() {
		kind := "global"
		list := d.GlobalIndexes
		if ix.Local {
			kind, list = "local", d.LocalIndexes
		}
		var live *IndexDescription
		for i := range list {
			if list[i].Name == ix.Name {
				live = &list[i]
			}
		}
		switch {
		case live != nil:
			keyDiff(kind+" index "+ix.Name, ix.PK, ix.SK, live.PK, live.SK)
		case ix.Local:
			diffs = append(diffs, fmt.Sprintf("local index %s is missing (local indexes can only be created with the table)", ix.Name))
		default:
			if _, other := d.Index(ix.Name); other {
				diffs = append(diffs, fmt.Sprintf("index %s is local on the live table, global in Go", ix.Name))
				continue
			}
			missing = append(missing, ix)
		}
	}
	return missing, diffs
}

// nonEmpty returns a as a key of one attribute, or of none when a is zero.
func nonEmpty(a KeyAttr) []KeyAttr {
	if a.Name == "" {
		return nil
	}
	return []KeyAttr{a}
}

// fmtKey formats a key's attributes for a SchemaMismatchError:
// "Tenant (S), Region (S)", or "none".
func fmtKey(attrs []KeyAttr) string {
	if len(attrs) == 0 {
		return "none"
	}
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = fmt.Sprintf("%s (%s)", a.Name, a.Type)
	}
	return strings.Join(parts, ", ")
}

// addIndex creates global index ix on the live table and waits until it
// is active.
func (t *Table[T]) addIndex(ctx context.Context, op string, o *createOptions, ix *indexSchema) error {
	defs, err := t.attrDefs(op, ix)
	if err != nil {
		return err
	}
	g := o.gsi(ix)
	_, err = t.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:            aws.String(t.name),
		AttributeDefinitions: defs,
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection, ProvisionedThroughput: g.ProvisionedThroughput,
		}}},
	})
	if err != nil {
		return mapErr(op, t.name, err)
	}
	d, err := t.waitActive(ctx, op)
	if err != nil {
		return err
	}
	if _, ok := d.Index(ix.Name); !ok {
		return opErr(op, t.name, ErrInvalidSchema, "global index %q is not on the table after UpdateTable created it", ix.Name)
	}
	return nil
}
