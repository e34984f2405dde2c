package ddbtest

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
	"github.com/ddb-go/ddb/ddbtest/internal/expr"
)

// Wire shapes of table definitions.

type keyElem struct {
	AttributeName string
	KeyType       string
}

type attrDef struct {
	AttributeName string
	AttributeType string
}

type projectionDef struct {
	ProjectionType   string   `json:",omitempty"`
	NonKeyAttributes []string `json:",omitempty"`
}

type throughputIn struct {
	ReadCapacityUnits  *int64
	WriteCapacityUnits *int64
}

type indexDef struct {
	IndexName             *string
	KeySchema             []keyElem
	Projection            *projectionDef
	ProvisionedThroughput *throughputIn
	OnDemandThroughput    *onDemandIO
	WarmThroughput        *warmIn
}

type throughputDesc struct {
	LastIncreaseDateTime   float64 `json:",omitempty"`
	LastDecreaseDateTime   float64 `json:",omitempty"`
	NumberOfDecreasesToday int64
	ReadCapacityUnits      int64
	WriteCapacityUnits     int64
}

type billingSummary struct {
	BillingMode                       string
	LastUpdateToPayPerRequestDateTime float64 `json:",omitempty"`
}

type indexDesc struct {
	IndexName             string
	KeySchema             []keyElem
	Projection            projectionDef
	IndexStatus           string          `json:",omitempty"`
	Backfilling           *bool           `json:",omitempty"`
	ProvisionedThroughput *throughputDesc `json:",omitempty"`
	OnDemandThroughput    *onDemandIO     `json:",omitempty"`
	WarmThroughput        *warmDesc       `json:",omitempty"`
	IndexSizeBytes        int64
	ItemCount             int64
	IndexArn              string
}

type tableDescription struct {
	AttributeDefinitions      []attrDef
	TableName                 string
	KeySchema                 []keyElem
	TableStatus               string
	CreationDateTime          float64
	ProvisionedThroughput     throughputDesc
	TableSizeBytes            int64
	ItemCount                 int64
	TableArn                  string
	TableId                   string
	BillingModeSummary        *billingSummary `json:",omitempty"`
	LocalSecondaryIndexes     []indexDesc     `json:",omitempty"`
	GlobalSecondaryIndexes    []indexDesc     `json:",omitempty"`
	DeletionProtectionEnabled bool
	StreamSpecification       *streamSpecOut `json:",omitempty"`
	LatestStreamLabel         string         `json:",omitempty"`
	LatestStreamArn           string         `json:",omitempty"`
	OnDemandThroughput        *onDemandIO    `json:",omitempty"`
	WarmThroughput            *warmDesc      `json:",omitempty"`
	SSEDescription            *sseDesc       `json:",omitempty"`
	TableClassSummary         *tableClassSum `json:",omitempty"`
}

// tableMeta is a table's definition: what DescribeTable shows apart from
// counts, and what a durable Store records (as JSON) to reload the table.
type tableMeta struct {
	Name               string
	Attrs              []attrDef
	KeySchema          []keyElem
	PayPerReq          bool
	Read, Write        int64
	GSIs               []indexMeta `json:",omitempty"`
	LSIs               []indexMeta `json:",omitempty"`
	Created            float64
	ID                 string
	TTLAttr            string            `json:",omitempty"`
	TTLEnabled         bool              `json:",omitempty"`
	DeletionProtection bool              `json:",omitempty"`
	Tags               map[string]string `json:",omitempty"`
	Streams            []streamMeta      `json:",omitempty"` // streams.go
	SSE                *sseMeta          `json:",omitempty"` // nil: encrypted with an AWS owned key
	TableClass         string            `json:",omitempty"` // "": never set (STANDARD)
	TableClassUpdated  float64           `json:",omitempty"`
	capacityChanges
	throughputSettings
}

type indexMeta struct {
	Name        string
	KeySchema   []keyElem
	Projection  projectionDef
	Read, Write int64
	capacityChanges
	throughputSettings
}

// keyAttr is one key attribute of a table or index.
type keyAttr struct {
	name string
	typ  av.Type
}

// table is a live table. mu guards every field below it and the trees'
// contents: readers take RLock, writers Lock.
type table struct {
	name      string // immutable
	region    string // immutable
	mu        sync.RWMutex
	meta      tableMeta
	hash, rng keyAttr // rng.name is empty for hash-only tables
	tree      Tree
	indexes   []*index
	items     int64
	size      int64
	deleted   bool
	state     atomic.Pointer[tableState] // nil or a transitional state (lifecycle.go)
	stream    streamLog                  // streams.go
}

// index is a live secondary index. Its tree maps the index key (see
// keys.go) to the table key of the item.
type index struct {
	name   string
	global bool
	// The key attributes, in schema order: one or more partition (HASH)
	// attributes, none or more sort (RANGE) attributes. Only a global
	// secondary index has more than one of either (multi-attribute keys).
	hashes, rngs []keyAttr
	projType     string   // ALL, KEYS_ONLY or INCLUDE
	include      []string // INCLUDE's attributes
	tree         Tree
	items        int64
	size         int64
}

func tableTreeName(table string) string        { return "t/" + table }
func indexTreeName(table, index string) string { return "i/" + table + "/" + index }

// accountID is the account of every ARN.
const accountID = "000000000000"

// tableArn is the ARN of the table called name in region.
func tableArn(region, name string) string {
	return "arn:aws:dynamodb:" + region + ":" + accountID + ":table/" + name
}

// validName reports whether s matches [a-zA-Z0-9_.-]+.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// constraintErrors renders DynamoDB's "N validation errors detected" form.
func constraintErrors(msgs []string) error {
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return validationError("1 validation error detected: " + msgs[0])
	}
	return validationError(strconv.Itoa(len(msgs)) + " validation errors detected: " + strings.Join(msgs, "; "))
}

// getTableMeta is getTable for the table management operations, whose
// ResourceNotFoundException names the table.
func (s *Server) getTableMeta(name *string) (*table, error) {
	t, err := s.lookupTable(name)
	if ae, ok := err.(*apiError); ok && ae.typ == nsDynamo+"ResourceNotFoundException" {
		return nil, tableNotFoundError(*name)
	}
	return t, err
}

// getTable returns the live table called name for an item operation, or
// ResourceNotFoundException (also while the table is being created or
// deleted).
func (s *Server) getTable(name *string) (*table, error) {
	t, err := s.lookupTable(name)
	if err == nil && t.unavailable(s.clock) {
		return nil, notFoundError()
	}
	return t, err
}

// lookupTable returns the table called name, in whatever state, or
// ResourceNotFoundException. The name was validated with the request
// (validate.go).
func (s *Server) lookupTable(name *string) (*table, error) {
	if name == nil {
		return nil, validationError("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	s.mu.RLock()
	t := s.tables[*name]
	s.mu.RUnlock()
	if t == nil || s.gone(t) {
		return nil, notFoundError()
	}
	return t, nil
}

type createTableInput struct {
	TableName                 *string
	AttributeDefinitions      []attrDef
	KeySchema                 []keyElem
	BillingMode               string
	ProvisionedThroughput     *throughputIn
	GlobalSecondaryIndexes    []indexDef
	LocalSecondaryIndexes     []indexDef
	DeletionProtectionEnabled bool
	Tags                      []tag
	StreamSpecification       *streamSpec
	SSESpecification          *sseSpec
	TableClass                string
	ResourcePolicy            *string // accepted, not kept (see DIFFERENCES.md)
	OnDemandThroughput        *onDemandIO
	WarmThroughput            *warmIn
}

func (s *Server) createTable(body []byte) ([]byte, error) {
	var in createTableInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	m, err := validateCreateTable(&in)
	if err != nil {
		return nil, err
	}
	m.Created = float64(s.clock().UnixMilli()) / 1000
	m.ID = newTableID()
	if err := applyStreamSpec(m, in.StreamSpecification, true, s.streamTime(m.Name), 0); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.tables[m.Name]; old != nil && !s.gone(old) {
		return nil, dynamoError("ResourceInUseException", "Table already exists: "+m.Name)
	}
	t, err := s.openTable(m, true)
	if err != nil {
		return nil, err
	}
	if err := s.saveMeta(t); err != nil {
		return nil, err
	}
	s.tables[m.Name] = t
	t.transition("CREATING", s.clock(), s.delays.create, nil, nil)
	// Like DynamoDB, the response says CREATING; the table is usable at
	// once and DescribeTable says ACTIVE.
	d := t.describe(s.clock())
	d.TableStatus = "CREATING"
	for i := range d.GlobalSecondaryIndexes {
		d.GlobalSecondaryIndexes[i].IndexStatus = "CREATING"
	}
	return encodeResponse(struct{ TableDescription tableDescription }{d})
}

func validateCreateTable(in *createTableInput) (*tableMeta, error) {
	// The members' constraints were checked with the request (validate.go).
	if err := checkAttrDefs(in.AttributeDefinitions); err != nil {
		return nil, err
	}
	m := &tableMeta{Name: *in.TableName, Attrs: in.AttributeDefinitions, KeySchema: in.KeySchema}
	if err := applyTags(m, in.Tags); err != nil {
		return nil, err
	}
	read, write, err := checkBilling(in.BillingMode, in.ProvisionedThroughput)
	if err != nil {
		return nil, err
	}
	m.PayPerReq, m.Read, m.Write = in.BillingMode == "PAY_PER_REQUEST", read, write
	m.DeletionProtection = in.DeletionProtectionEnabled

	defined := map[string]bool{}
	var defNames []string
	for _, d := range in.AttributeDefinitions {
		defined[d.AttributeName] = true
		defNames = append(defNames, d.AttributeName)
	}
	if len(in.KeySchema) > len(defNames) {
		return nil, validationError("Invalid KeySchema: Some index key attribute have no definition")
	}
	if err := checkKeySchema(in.KeySchema, defined, defNames, false); err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, k := range in.KeySchema {
		used[k.AttributeName] = true
	}
	names := map[string]bool{}
	if in.LocalSecondaryIndexes != nil {
		if len(in.LocalSecondaryIndexes) == 0 {
			return nil, validationError("One or more parameter values were invalid: List of LocalSecondaryIndexes is empty")
		}
		if len(in.KeySchema) != 2 {
			return nil, validationError("One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
		}
		if len(in.LocalSecondaryIndexes) > 5 {
			return nil, validationError("One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5")
		}
		for i, d := range in.LocalSecondaryIndexes {
			im, err := checkIndexDef(d, "localSecondaryIndexes."+strconv.Itoa(i+1)+".member", false, m.PayPerReq, defined, defNames, names)
			if err != nil {
				return nil, err
			}
			if im.KeySchema[0].AttributeName != in.KeySchema[0].AttributeName {
				return nil, validationError("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as table KeySchema for index: " + im.Name + ". index hash key: " + im.KeySchema[0].AttributeName + ", table hash key: " + in.KeySchema[0].AttributeName)
			}
			if len(im.KeySchema) != 2 {
				return nil, validationError("One or more parameter values were invalid: Index KeySchema does not have a range key for index: " + im.Name)
			}
			for _, k := range im.KeySchema {
				used[k.AttributeName] = true
			}
			m.LSIs = append(m.LSIs, *im)
		}
	}
	if in.GlobalSecondaryIndexes != nil {
		if len(in.GlobalSecondaryIndexes) == 0 {
			return nil, validationError("One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty")
		}
		if len(in.GlobalSecondaryIndexes) > 20 {
			return nil, validationError("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20")
		}
		for i, d := range in.GlobalSecondaryIndexes {
			im, err := checkIndexDef(d, "globalSecondaryIndexes."+strconv.Itoa(i+1)+".member", true, m.PayPerReq, defined, defNames, names)
			if err != nil {
				return nil, err
			}
			for _, k := range im.KeySchema {
				used[k.AttributeName] = true
			}
			m.GSIs = append(m.GSIs, *im)
		}
	}
	if len(used) != len(defined) {
		return nil, validationError("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	if err := m.applySettings(in.OnDemandThroughput, in.WarmThroughput, in.SSESpecification, in.TableClass, 0); err != nil {
		return nil, err
	}
	return m, nil
}

// checkAttrDefs rejects attribute definitions that name one attribute
// twice (with the same type or not).
func checkAttrDefs(defs []attrDef) error {
	seen := make(map[string]bool, len(defs))
	for _, d := range defs {
		if seen[d.AttributeName] {
			return validationError("Attribute Name is duplicated: " + d.AttributeName)
		}
		seen[d.AttributeName] = true
	}
	return nil
}

// checkBilling validates a billing mode and throughput pair.
func checkBilling(mode string, pt *throughputIn) (read, write int64, err error) {
	if mode == "PAY_PER_REQUEST" {
		if pt != nil {
			return 0, 0, validationError("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
		}
		return 0, 0, nil
	}
	if pt == nil || pt.ReadCapacityUnits == nil || pt.WriteCapacityUnits == nil || *pt.ReadCapacityUnits < 1 || *pt.WriteCapacityUnits < 1 {
		return 0, 0, validationError("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	if *pt.ReadCapacityUnits > 1e12 {
		return 0, 0, validationError("Given value " + strconv.FormatInt(*pt.ReadCapacityUnits, 10) + " for ReadCapacityUnits is out of bounds")
	}
	if *pt.WriteCapacityUnits > 1e12 {
		return 0, 0, validationError("Given value " + strconv.FormatInt(*pt.WriteCapacityUnits, 10) + " for WriteCapacityUnits is out of bounds")
	}
	return *pt.ReadCapacityUnits, *pt.WriteCapacityUnits, nil
}

// checkKeySchema validates a key schema against the attribute
// definitions. A table's or local secondary index's key is one HASH
// element, optionally followed by one RANGE element; a global secondary
// index's (multi) may have up to expr.MaxIndexHash HASH elements followed
// by up to expr.MaxIndexRange RANGE elements (multi-attribute keys).
func checkKeySchema(ks []keyElem, defined map[string]bool, defNames []string, multi bool) error {
	var keys []string
	for _, k := range ks {
		keys = append(keys, k.AttributeName)
	}
	for _, k := range keys {
		if !defined[k] {
			return validationError("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [" + strings.Join(keys, ", ") + "], AttributeDefinitions: [" + strings.Join(defNames, ", ") + "]")
		}
	}
	// (Two HASH elements of one name are a multi-attribute key's mistake.)
	if len(ks) == 2 && ks[0].AttributeName == ks[1].AttributeName && !(multi && ks[1].KeyType == "HASH") {
		return validationError("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if ks[0].KeyType != "HASH" {
		return validationError("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if !multi {
		if len(ks) == 2 && ks[1].KeyType != "RANGE" {
			return validationError("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
		}
		return nil
	}
	return checkMultiKeySchema(ks)
}

// checkMultiKeySchema applies the rules only a multi-attribute key (of a
// global secondary index) can break. The messages are ours, in
// DynamoDB's style: the documentation gives none.
func checkMultiKeySchema(ks []keyElem) error {
	seen := make(map[string]bool, len(ks))
	counts := map[string]int{}
	for i, k := range ks {
		if seen[k.AttributeName] {
			return validationError("Invalid KeySchema: The attribute " + k.AttributeName + " appears more than once in the KeySchema")
		}
		seen[k.AttributeName] = true
		if k.KeyType == "HASH" && i > 0 && ks[i-1].KeyType == "RANGE" {
			return validationError("Invalid KeySchema: A HASH KeySchemaElement cannot follow a RANGE KeySchemaElement")
		}
		counts[k.KeyType]++
	}
	for _, lim := range []struct {
		typ string
		max int
	}{{"HASH", expr.MaxIndexHash}, {"RANGE", expr.MaxIndexRange}} {
		if counts[lim.typ] > lim.max {
			return validationError("Invalid KeySchema: The KeySchema of a global secondary index can have at most " + strconv.Itoa(lim.max) + " " + lim.typ +
				" KeySchemaElements, found " + strconv.Itoa(counts[lim.typ]))
		}
	}
	return nil
}

// checkIndexDef validates the definition of a secondary index, whose
// constraint violations are reported at field ("globalSecondaryIndexes.1.member", ...).
func checkIndexDef(d indexDef, field string, global, payPerReq bool, defined map[string]bool, defNames []string, names map[string]bool) (*indexMeta, error) {
	name := *d.IndexName
	if err := checkKeySchema(d.KeySchema, defined, defNames, global); err != nil {
		return nil, err
	}
	p := *d.Projection
	if p.ProjectionType == "" {
		return nil, validationError("One or more parameter values were invalid: Unknown ProjectionType: null")
	}
	if p.NonKeyAttributes != nil && p.ProjectionType != "INCLUDE" {
		return nil, validationError("One or more parameter values were invalid: ProjectionType is " + p.ProjectionType + ", but NonKeyAttributes is specified")
	}
	if p.ProjectionType == "INCLUDE" && len(p.NonKeyAttributes) == 0 {
		return nil, validationError("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
	}
	if names[name] {
		return nil, validationError("One or more parameter values were invalid: Duplicate index name: " + name)
	}
	names[name] = true
	im := &indexMeta{Name: name, KeySchema: d.KeySchema, Projection: p}
	if global {
		if payPerReq && d.ProvisionedThroughput != nil {
			return nil, validationError("One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: " + name + " when BillingMode is PAY_PER_REQUEST")
		}
		if !payPerReq {
			if d.ProvisionedThroughput == nil {
				return nil, validationError("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: " + name)
			}
			r, w, err := checkBilling("PROVISIONED", d.ProvisionedThroughput)
			if err != nil {
				return nil, err
			}
			im.Read, im.Write = r, w
		}
		if err := im.setOnDemand(d.OnDemandThroughput, payPerReq); err != nil {
			return nil, err
		}
		if err := im.setWarm(d.WarmThroughput, "index "+name, payPerReq, im.Read, im.Write); err != nil {
			return nil, err
		}
	}
	return im, nil
}

var tableIDCounter struct {
	sync.Mutex
	n uint64
}

func newTableID() string {
	tableIDCounter.Lock()
	tableIDCounter.n++
	n := tableIDCounter.n
	tableIDCounter.Unlock()
	h := strconv.FormatUint(n, 16)
	h = strings.Repeat("0", 12-len(h)) + h
	return "d0d0d0d0-0000-4000-8000-" + h
}

func attrType(attrs []attrDef, name string) av.Type {
	for _, d := range attrs {
		if d.AttributeName == name {
			switch d.AttributeType {
			case "S":
				return av.S
			case "N":
				return av.N
			case "B":
				return av.B
			}
		}
	}
	return av.Invalid
}

// keyAttrs returns the partition (HASH) and sort (RANGE) attributes of
// the key schema ks, in schema order.
func keyAttrs(attrs []attrDef, ks []keyElem) (hashes, rngs []keyAttr) {
	for _, k := range ks {
		ka := keyAttr{k.AttributeName, attrType(attrs, k.AttributeName)}
		if k.KeyType == "HASH" {
			hashes = append(hashes, ka)
		} else {
			rngs = append(rngs, ka)
		}
	}
	return hashes, rngs
}

// openTable builds the live table for m, opening its trees; fresh
// (CreateTable) starts them empty. The caller holds s.mu.
func (s *Server) openTable(m *tableMeta, fresh bool) (*table, error) {
	tr, err := s.openTree(tableTreeName(m.Name), fresh)
	if err != nil {
		return nil, err
	}
	t := &table{name: m.Name, region: s.region, meta: *m, tree: tr}
	hashes, rngs := keyAttrs(m.Attrs, m.KeySchema)
	t.hash = hashes[0]
	if len(rngs) > 0 {
		t.rng = rngs[0]
	}
	for _, im := range m.LSIs {
		ix, err := s.openIndex(t, im, false, fresh)
		if err != nil {
			return nil, err
		}
		t.indexes = append(t.indexes, ix)
	}
	for _, im := range m.GSIs {
		ix, err := s.openIndex(t, im, true, fresh)
		if err != nil {
			return nil, err
		}
		t.indexes = append(t.indexes, ix)
	}
	return t, s.openStreams(t)
}

// openTree opens the tree called name, new and empty when fresh.
func (s *Server) openTree(name string, fresh bool) (Tree, error) {
	if fresh {
		return s.createTree(name)
	}
	return s.store.Tree(name)
}

func (s *Server) openIndex(t *table, im indexMeta, global, fresh bool) (*index, error) {
	tr, err := s.openTree(indexTreeName(t.name, im.Name), fresh)
	if err != nil {
		return nil, err
	}
	ix := &index{name: im.Name, global: global, tree: tr, projType: im.Projection.ProjectionType, include: im.Projection.NonKeyAttributes}
	ix.hashes, ix.rngs = keyAttrs(t.meta.Attrs, im.KeySchema)
	return ix, nil
}

// saveMeta records t's definition in the store.
func (s *Server) saveMeta(t *table) error {
	b, err := json.Marshal(&t.meta)
	if err != nil {
		return err
	}
	return s.store.PutMeta(t.name, b)
}

// loadTables reopens the tables recorded in the store and recounts them.
func (s *Server) loadTables() error {
	metas, err := s.store.Metas()
	if err != nil {
		return err
	}
	for name, b := range metas {
		var m tableMeta
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		if strings.HasPrefix(name, retiredPrefix) {
			if err := s.openRetired(&m, name); err != nil {
				return err
			}
			continue
		}
		t, err := s.openTable(&m, false)
		if err != nil {
			return err
		}
		t.tree.Ascend(nil, func(_, val []byte) bool {
			t.items++
			t.size += int64(recordSize(val))
			return true
		})
		for _, ix := range t.indexes {
			ix.tree.Ascend(nil, func(_, tk []byte) bool {
				if rec, ok := t.tree.Get(tk); ok {
					ix.items++
					ix.size += int64(recordSize(rec))
				}
				return true
			})
		}
		s.tables[name] = t
	}
	return nil
}

// describe renders t's description as of now. The caller holds t.mu
// (either mode) or owns t exclusively.
func (t *table) describe(now time.Time) tableDescription {
	m := &t.meta
	d := tableDescription{
		AttributeDefinitions:      m.Attrs,
		TableName:                 m.Name,
		KeySchema:                 m.KeySchema,
		TableStatus:               "ACTIVE",
		CreationDateTime:          m.Created,
		ProvisionedThroughput:     m.capacityChanges.describe(m.Read, m.Write, now),
		TableSizeBytes:            t.size,
		ItemCount:                 t.items,
		TableArn:                  tableArn(t.region, m.Name),
		TableId:                   m.ID,
		DeletionProtectionEnabled: m.DeletionProtection,
	}
	if m.PayPerReq {
		d.BillingModeSummary = &billingSummary{BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: m.Created}
	} else {
		d.BillingModeSummary = &billingSummary{BillingMode: "PROVISIONED"}
	}
	d.OnDemandThroughput = m.onDemandDesc(m.PayPerReq)
	d.WarmThroughput = m.warmDesc(m.PayPerReq, m.Read, m.Write)
	d.SSEDescription = m.SSE.describe(t.region)
	if m.TableClass != "" {
		d.TableClassSummary = &tableClassSum{TableClass: m.TableClass, LastUpdateDateTime: m.TableClassUpdated}
	}
	for _, ix := range t.indexes {
		im := t.indexMeta(ix.name)
		id := indexDesc{
			IndexName:      ix.name,
			KeySchema:      im.KeySchema,
			Projection:     im.Projection,
			IndexSizeBytes: ix.size,
			ItemCount:      ix.items,
			IndexArn:       tableArn(t.region, m.Name) + "/index/" + ix.name,
		}
		if ix.global {
			id.IndexStatus = "ACTIVE"
			pt := im.capacityChanges.describe(im.Read, im.Write, now)
			id.ProvisionedThroughput = &pt
			id.OnDemandThroughput = im.onDemandDesc(m.PayPerReq)
			id.WarmThroughput = im.warmDesc(m.PayPerReq, im.Read, im.Write)
			d.GlobalSecondaryIndexes = append(d.GlobalSecondaryIndexes, id)
		} else {
			d.LocalSecondaryIndexes = append(d.LocalSecondaryIndexes, id)
		}
	}
	t.describeStream(&d)
	t.applyState(&d, now)
	return d
}

func (t *table) indexMeta(name string) *indexMeta {
	for i := range t.meta.LSIs {
		if t.meta.LSIs[i].Name == name {
			return &t.meta.LSIs[i]
		}
	}
	for i := range t.meta.GSIs {
		if t.meta.GSIs[i].Name == name {
			return &t.meta.GSIs[i]
		}
	}
	return nil
}

func (t *table) findIndex(name string) *index {
	for _, ix := range t.indexes {
		if ix.name == name {
			return ix
		}
	}
	return nil
}

type tableNameInput struct {
	TableName *string
}

func (in *tableNameInput) tableName() *string { return in.TableName }

// tableRequest is a request naming one table.
type tableRequest interface{ tableName() *string }

// decodeTableRequest decodes body into in and returns the table it names.
func (s *Server) decodeTableRequest(body []byte, in tableRequest) (*table, error) {
	if err := decodeRequest(body, in); err != nil {
		return nil, err
	}
	return s.getTableMeta(in.tableName())
}

func (s *Server) describeTable(body []byte) ([]byte, error) {
	var in tableNameInput
	t, err := s.decodeTableRequest(body, &in)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	d := t.describe(s.clock())
	t.mu.RUnlock()
	return encodeResponse(struct{ Table tableDescription }{d})
}

func (s *Server) deleteTable(body []byte) ([]byte, error) {
	var in tableNameInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[*in.TableName]
	if t == nil || s.gone(t) {
		return nil, tableNotFoundError(*in.TableName)
	}
	var d tableDescription
	err := t.locked(true, func() error {
		if err := s.checkActive(t); err != nil {
			return err
		}
		if t.meta.DeletionProtection {
			return validationError("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
		}
		if s.delays.delete > 0 {
			t.transition("DELETING", s.clock(), s.delays.delete, nil, nil)
		} else {
			delete(s.tables, *in.TableName)
		}
		d = t.describe(s.clock())
		d.TableStatus = "DELETING"
		t.deleted = true
		if err := s.retireStreams(t); err != nil {
			return err
		}
		return s.dropTrees(t)
	})
	if err != nil {
		return nil, err
	}
	return encodeResponse(struct{ TableDescription tableDescription }{d})
}

// dropTrees forgets t in the store. The definition goes first: a crash
// before the trees are dropped leaves orphaned trees, which createTree
// drops before reusing their names, rather than a definition that would
// reload as an empty (or partial) table.
func (s *Server) dropTrees(t *table) error {
	if err := s.store.DeleteMeta(t.name); err != nil {
		return err
	}
	if err := s.dropStreams(t); err != nil {
		return err
	}
	for _, ix := range t.indexes {
		if err := s.store.Drop(indexTreeName(t.name, ix.name)); err != nil {
			return err
		}
	}
	return s.store.Drop(tableTreeName(t.name))
}

// createTree returns a new empty tree called name, dropping first any tree
// of that name a crash in the middle of DeleteTable or UpdateTable left
// behind.
func (s *Server) createTree(name string) (Tree, error) {
	if err := s.store.Drop(name); err != nil {
		return nil, err
	}
	return s.store.Tree(name)
}

type listTablesInput struct {
	ExclusiveStartTableName *string
	Limit                   *int
}

func (s *Server) listTables(body []byte) ([]byte, error) {
	var in listTablesInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		limit = *in.Limit
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n, t := range s.tables {
		if s.gone(t) {
			continue
		}
		if in.ExclusiveStartTableName == nil || n > *in.ExclusiveStartTableName {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	sort.Strings(names)
	var out struct {
		TableNames             []string
		LastEvaluatedTableName string `json:",omitempty"`
	}
	out.TableNames = names
	if len(names) > limit {
		out.TableNames = names[:limit]
		out.LastEvaluatedTableName = names[limit-1]
	}
	return encodeResponse(&out)
}

type gsiUpdate struct {
	Create *indexDef
	Delete *struct{ IndexName string }
	Update *struct {
		IndexName             string
		ProvisionedThroughput *throughputIn
		OnDemandThroughput    *onDemandIO
		WarmThroughput        *warmIn
	}
}

type updateTableInput struct {
	TableName                   *string
	AttributeDefinitions        []attrDef
	BillingMode                 string
	ProvisionedThroughput       *throughputIn
	GlobalSecondaryIndexUpdates []gsiUpdate
	DeletionProtectionEnabled   *bool
	StreamSpecification         *streamSpec
	SSESpecification            *sseSpec
	TableClass                  string
	OnDemandThroughput          *onDemandIO
	WarmThroughput              *warmIn
}

// settings reports whether in changes any of the settings applySettings
// applies.
func (in *updateTableInput) settings() bool {
	return in.OnDemandThroughput != nil || in.WarmThroughput != nil || in.SSESpecification != nil || in.TableClass != ""
}

func (s *Server) updateTable(body []byte) ([]byte, error) {
	var in updateTableInput
	if err := decodeRequest(body, &in); err != nil {
		return nil, err
	}
	if in.ProvisionedThroughput == nil && in.BillingMode == "" && len(in.GlobalSecondaryIndexUpdates) == 0 && in.DeletionProtectionEnabled == nil && in.StreamSpecification == nil && !in.settings() {
		return nil, validationError("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	if in.BillingMode == "PROVISIONED" && in.ProvisionedThroughput == nil {
		return nil, validationError("One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
	}
	for i, u := range in.GlobalSecondaryIndexUpdates {
		if u.Create == nil && u.Delete == nil && u.Update == nil {
			return nil, validationError("One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null")
		}
		if u.Update != nil && u.Update.ProvisionedThroughput == nil && u.Update.OnDemandThroughput == nil && u.Update.WarmThroughput == nil {
			// What DynamoDB answered when ProvisionedThroughput was the
			// only setting of an index update.
			return nil, validationError("1 validation error detected: Value null at 'globalSecondaryIndexUpdates." + strconv.Itoa(i+1) +
				".member.update.provisionedThroughput' failed to satisfy constraint: Member must not be null")
		}
	}
	t, err := s.getTableMeta(in.TableName)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := s.checkActive(t); err != nil {
		return nil, err
	}
	if t.deleted {
		return nil, tableNotFoundError(t.name)
	}
	m := t.meta // copy; committed on success
	m.GSIs = append([]indexMeta(nil), t.meta.GSIs...)
	m.keepWarm(m.PayPerReq, m.Read, m.Write)
	for i := range m.GSIs {
		g := &m.GSIs[i]
		g.keepWarm(m.PayPerReq, g.Read, g.Write)
	}
	changed := false
	if in.BillingMode != "" || in.ProvisionedThroughput != nil {
		mode := in.BillingMode
		if mode == "" {
			mode = map[bool]string{true: "PAY_PER_REQUEST", false: "PROVISIONED"}[m.PayPerReq]
		}
		r, w, err := checkBilling(mode, in.ProvisionedThroughput)
		if err != nil {
			return nil, err
		}
		if in.ProvisionedThroughput != nil && !m.PayPerReq {
			if r == m.Read && w == m.Write {
				return nil, unchangedThroughput(m.Read, m.Write, r, w)
			}
			m.capacityChanges.record(m.Read, m.Write, r, w, s.clock())
		}
		m.PayPerReq, m.Read, m.Write = mode == "PAY_PER_REQUEST", r, w
		for i := range m.GSIs {
			if m.PayPerReq {
				m.GSIs[i].Read, m.GSIs[i].Write = 0, 0
			} else {
				m.GSIs[i].MaxRead, m.GSIs[i].MaxWrite = 0, 0
			}
		}
		if !m.PayPerReq {
			m.MaxRead, m.MaxWrite = 0, 0
		}
		changed = true
	}
	if in.settings() {
		if err := m.applySettings(in.OnDemandThroughput, in.WarmThroughput, in.SSESpecification, in.TableClass, float64(s.clock().UnixMilli())/1000); err != nil {
			return nil, err
		}
		changed = true
	}
	if in.DeletionProtectionEnabled != nil {
		m.DeletionProtection = *in.DeletionProtectionEnabled
		changed = true
	}
	if in.StreamSpecification != nil {
		if err := applyStreamSpec(&m, in.StreamSpecification, false, s.streamTime(m.Name), t.stream.seq); err != nil {
			return nil, err
		}
		changed = true
	}
	var created []indexMeta
	var dropped []string
	if len(in.GlobalSecondaryIndexUpdates) > 0 {
		for _, d := range in.AttributeDefinitions {
			if attrType(m.Attrs, d.AttributeName) == av.Invalid {
				m.Attrs = append(m.Attrs, d)
			}
		}
		defined := map[string]bool{}
		var defNames []string
		for _, d := range m.Attrs {
			defined[d.AttributeName] = true
			defNames = append(defNames, d.AttributeName)
		}
		names := map[string]bool{}
		for _, im := range m.LSIs {
			names[im.Name] = true
		}
		for _, im := range m.GSIs {
			names[im.Name] = true
		}
		online := 0
		for _, u := range in.GlobalSecondaryIndexUpdates {
			if u.Create != nil || u.Delete != nil {
				online++
			}
		}
		if online > 1 {
			return nil, dynamoError("LimitExceededException", "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
		}
		for i, u := range in.GlobalSecondaryIndexUpdates {
			switch {
			case u.Create != nil:
				if u.Create.IndexName != nil && names[*u.Create.IndexName] {
					return nil, validationError("One or more parameter values were invalid: Index with name: " + *u.Create.IndexName + " already exists")
				}
				im, err := checkIndexDef(*u.Create, "globalSecondaryIndexUpdates."+strconv.Itoa(i+1)+".member.create", true, m.PayPerReq, defined, defNames, names)
				if err != nil {
					return nil, err
				}
				m.GSIs = append(m.GSIs, *im)
				created = append(created, *im)
			case u.Delete != nil:
				i := indexOf(m.GSIs, u.Delete.IndexName)
				if i < 0 {
					return nil, dynamoError("ResourceNotFoundException", "Requested resource not found: Index: "+u.Delete.IndexName+" not found")
				}
				m.GSIs = append(m.GSIs[:i], m.GSIs[i+1:]...)
				dropped = append(dropped, u.Delete.IndexName)
			case u.Update != nil:
				i := indexOf(m.GSIs, u.Update.IndexName)
				if i < 0 {
					return nil, dynamoError("ResourceNotFoundException", "Requested resource not found: Index: "+u.Update.IndexName+" not found")
				}
				g := &m.GSIs[i]
				if u.Update.ProvisionedThroughput != nil {
					r, w, err := checkBilling("PROVISIONED", u.Update.ProvisionedThroughput)
					if err != nil {
						return nil, err
					}
					g.capacityChanges.record(g.Read, g.Write, r, w, s.clock())
					g.Read, g.Write = r, w
				}
				if err := g.setOnDemand(u.Update.OnDemandThroughput, m.PayPerReq); err != nil {
					return nil, err
				}
				if err := g.setWarm(u.Update.WarmThroughput, "index "+g.Name, m.PayPerReq, g.Read, g.Write); err != nil {
					return nil, err
				}
			}
		}
		// Drop attribute definitions no key uses any more.
		used := map[string]bool{}
		for _, k := range m.KeySchema {
			used[k.AttributeName] = true
		}
		for _, ims := range [][]indexMeta{m.LSIs, m.GSIs} {
			for _, im := range ims {
				for _, k := range im.KeySchema {
					used[k.AttributeName] = true
				}
			}
		}
		var attrs []attrDef
		for _, d := range m.Attrs {
			if used[d.AttributeName] {
				attrs = append(attrs, d)
			}
		}
		m.Attrs = attrs
		changed = true
	}
	if !changed {
		return nil, validationError("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
	}
	// New index trees are built before the definition naming them is
	// saved, and dropped index trees are dropped after, so that a crash
	// never leaves a definition naming a missing or partial index.
	old := t.meta
	t.meta = m // openIndex reads the new attribute definitions
	var built []*index
	fail := func(err error) ([]byte, error) {
		t.meta = old
		for _, ix := range built {
			_ = s.store.Drop(indexTreeName(t.name, ix.name))
		}
		return nil, err
	}
	for _, im := range created {
		ix, err := s.openIndex(t, im, true, true)
		if err != nil {
			return fail(err)
		}
		built = append(built, ix)
		if err := t.backfill(ix); err != nil {
			return fail(err)
		}
	}
	if err := s.saveMeta(t); err != nil {
		return fail(err)
	}
	if err := s.openStreams(t); err != nil {
		return nil, err
	}
	for _, name := range dropped {
		for i, ix := range t.indexes {
			if ix.name == name {
				t.indexes = append(t.indexes[:i:i], t.indexes[i+1:]...)
				break
			}
		}
		if err := s.store.Drop(indexTreeName(m.Name, name)); err != nil {
			return nil, err
		}
	}
	t.indexes = append(t.indexes, built...)
	s.updating(t, old, created, dropped)
	// Like DynamoDB, the response says UPDATING, whatever the delays.
	d := t.describe(s.clock())
	d.TableStatus = "UPDATING"
	return encodeResponse(struct{ TableDescription tableDescription }{d})
}

func indexOf(ims []indexMeta, name string) int {
	for i, im := range ims {
		if im.Name == name {
			return i
		}
	}
	return -1
}

type ttlSpec struct {
	AttributeName *string
	Enabled       *bool
}

type updateTTLInput struct {
	tableNameInput
	TimeToLiveSpecification *ttlSpec
}

func (s *Server) updateTimeToLive(body []byte) ([]byte, error) {
	var in updateTTLInput
	t, err := s.decodeTableRequest(body, &in)
	if err != nil {
		return nil, err
	}
	spec := in.TimeToLiveSpecification
	if spec == nil || spec.AttributeName == nil || spec.Enabled == nil || *spec.AttributeName == "" {
		return nil, validationError("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := s.checkActive(t); err != nil {
		return nil, err
	}
	if t.deleted { // deleted meanwhile: saving its meta would resurrect it
		return nil, tableNotFoundError(t.name)
	}
	if *spec.Enabled == t.meta.TTLEnabled {
		if *spec.Enabled {
			return nil, validationError("TimeToLive is already enabled")
		}
		return nil, validationError("TimeToLive is already disabled")
	}
	if !*spec.Enabled && *spec.AttributeName != t.meta.TTLAttr {
		return nil, validationError("TimeToLive is already disabled")
	}
	t.meta.TTLEnabled = *spec.Enabled
	t.meta.TTLAttr = *spec.AttributeName
	if err := s.saveMeta(t); err != nil {
		return nil, err
	}
	return encodeResponse(struct{ TimeToLiveSpecification ttlSpec }{*spec})
}

func (s *Server) describeTimeToLive(body []byte) ([]byte, error) {
	var in tableNameInput
	t, err := s.decodeTableRequest(body, &in)
	if err != nil {
		return nil, err
	}
	type ttlDesc struct {
		TimeToLiveStatus string
		AttributeName    string `json:",omitempty"`
	}
	t.mu.RLock()
	d := ttlDesc{TimeToLiveStatus: "DISABLED"}
	if t.meta.TTLEnabled {
		d = ttlDesc{TimeToLiveStatus: "ENABLED", AttributeName: t.meta.TTLAttr}
	}
	t.mu.RUnlock()
	return encodeResponse(struct{ TimeToLiveDescription ttlDesc }{d})
}

// Encryption at rest and table class, recorded and described only.

// sseSpec is the SSESpecification of a request.
type sseSpec struct {
	Enabled        *bool
	SSEType        string
	KMSMasterKeyId *string
}

// sseMeta is how a table is encrypted when not with an AWS owned key.
type sseMeta struct {
	Type  string // KMS or AES256
	KeyID string `json:",omitempty"` // the KMSMasterKeyId given; "": the AWS managed key
}

// sseDesc is a table's SSEDescription.
type sseDesc struct {
	Status          string
	SSEType         string
	KMSMasterKeyArn string `json:",omitempty"`
}

// tableClassSum is a table's TableClassSummary.
type tableClassSum struct {
	TableClass         string
	LastUpdateDateTime float64 `json:",omitempty"`
}

// awsManagedKeyID is the key of alias/aws/dynamodb, DynamoDB's AWS managed
// key, in every region of the account.
const awsManagedKeyID = "d0d0d0d0-0000-4000-8000-00000000aaaa"

// applySSE applies an SSESpecification: enabled, a KMS key (the one given
// or the AWS managed key); not enabled, an AWS owned key, which DynamoDB
// does not describe (API reference, SSESpecification).
func (m *tableMeta) applySSE(in *sseSpec) {
	if in.Enabled == nil || !*in.Enabled {
		m.SSE = nil
		return
	}
	sse := &sseMeta{Type: in.SSEType}
	if sse.Type == "" {
		sse.Type = "KMS"
	}
	if in.KMSMasterKeyId != nil && sse.Type == "KMS" {
		sse.KeyID = *in.KMSMasterKeyId
	}
	m.SSE = sse
}

// describe renders the SSEDescription of a table in region encrypted as
// sse (nil: with an AWS owned key, not described).
func (sse *sseMeta) describe(region string) *sseDesc {
	if sse == nil {
		return nil
	}
	d := &sseDesc{Status: "ENABLED", SSEType: sse.Type}
	if sse.Type == "KMS" {
		switch key := sse.KeyID; {
		case strings.HasPrefix(key, "arn:"):
			d.KMSMasterKeyArn = key
		case strings.HasPrefix(key, "alias/"):
			d.KMSMasterKeyArn = "arn:aws:kms:" + region + ":" + accountID + ":" + key
		case key == "":
			d.KMSMasterKeyArn = "arn:aws:kms:" + region + ":" + accountID + ":key/" + awsManagedKeyID
		default:
			d.KMSMasterKeyArn = "arn:aws:kms:" + region + ":" + accountID + ":key/" + key
		}
	}
	return d
}

// applySettings applies the table settings CreateTable and UpdateTable
// share beyond capacity, keys and streams; at is when (0: at creation).
func (m *tableMeta) applySettings(od *onDemandIO, warm *warmIn, sse *sseSpec, class string, at float64) error {
	if err := m.setOnDemand(od, m.PayPerReq); err != nil {
		return err
	}
	if err := m.setWarm(warm, "table", m.PayPerReq, m.Read, m.Write); err != nil {
		return err
	}
	if sse != nil {
		m.applySSE(sse)
	}
	if class != "" {
		m.TableClass, m.TableClassUpdated = class, at
	}
	return nil
}
