package ddb

// Key roles from struct tags.
//
// A struct type describes its table through `ddb` struct tags. The tag value
// is a comma-separated list of options:
//
//	pk              the table's partition (hash) key
//	sk              the table's sort (range) key
//	version         optimistic-locking version number
//	created         set to the current time when the item is first written
//	updated         set to the current time on every write
//	ttl             the table's time-to-live attribute
//	gsi=Name:pk     partition key of the global secondary index Name
//	gsi=Name:sk     sort key of the global secondary index Name
//	gsi=Name:pk2    second attribute of a multi-attribute partition key of
//	                Name (pk1 to pk4; pk is pk1)
//	gsi=Name:sk2    second attribute of a multi-attribute sort key of Name
//	                (sk1 to sk4; sk is sk1)
//	lsi=Name        sort key of the local secondary index Name (its partition
//	                key is the table's partition key)
//	timefmt=rfc3339 a time key kept in attributevalue's text (keytime.go)
//
// Options may be combined (`ddb:"sk,gsi=ByStatus:sk"`) and gsi= may repeat.
// A global index's key may have up to four partition key attributes and up
// to four sort key attributes (DynamoDB's multi-attribute keys), each
// numbered by its position: `ddb:"gsi=ByRegion:pk1"`, `ddb:"gsi=ByRegion:pk2"`,
// `ddb:"gsi=ByRegion:sk1"`. Positions must run from 1 without gaps; one
// index cannot use both pk and pk1 (or sk and sk1).
// Any other option is rejected with ErrInvalidSchema. Attribute names and
// value encodings come from the codec, so `dynamodbav:"name,string"` renames a
// field and changes its key type exactly as it changes the stored item.

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// KeyAttr names a key attribute and its DynamoDB scalar type. Build one with
// StringKey, NumberKey or BinaryKey.
type KeyAttr struct {
	Name string
	Type types.ScalarAttributeType
}

// StringKey is a key attribute of type S.
func StringKey(name string) KeyAttr { return KeyAttr{Name: name, Type: types.ScalarAttributeTypeS} }

// NumberKey is a key attribute of type N.
func NumberKey(name string) KeyAttr { return KeyAttr{Name: name, Type: types.ScalarAttributeTypeN} }

// BinaryKey is a key attribute of type B.
func BinaryKey(name string) KeyAttr { return KeyAttr{Name: name, Type: types.ScalarAttributeTypeB} }

// TableOption configures NewTable.
type TableOption func(*tableOptions)

type tableOptions struct {
	key      []KeyAttr // pk, then optional sk
	indexes  []*indexSchema
	typeAttr string          // SingleTable type attribute (WithTypeAttr); ignored by NewTable
	observe  []ObserveOption // WithObserve: NewTable wraps the client with Observe
	// allowExtra (AllowExtraAttributes) turns off the check of attribute
	// names against a struct T.
	allowExtra bool
	cursorKeys [][]byte // WithCursorKeys: the sealing key, then older ones
}

// WithKey declares the table's partition key and optional sort key. It is
// required when T is a map (or a struct without `ddb:"pk"` tags) and must not
// be combined with pk/sk struct tags.
func WithKey(pk KeyAttr, sk ...KeyAttr) TableOption {
	return func(o *tableOptions) { o.key = append([]KeyAttr{pk}, sk...) }
}

// KeyAttrs lists the attributes of a multi-attribute key in key order, as
// in ddb.KeyAttrs{ddb.StringKey("Tenant"), ddb.StringKey("Region")}.
type KeyAttrs []KeyAttr

// PartitionKey is the partition key of a global index given to
// WithGlobalIndex: a KeyAttr, or KeyAttrs for a key of several attributes.
type PartitionKey interface{ partitionAttrs() []KeyAttr }

func (a KeyAttr) partitionAttrs() []KeyAttr  { return []KeyAttr{a} }
func (a KeyAttrs) partitionAttrs() []KeyAttr { return a }

// DynamoDB's limit on the attributes of a global index's partition key and
// of its sort key (multi-attribute keys).
const maxIndexKeyAttrs = 4

// WithGlobalIndex declares a global secondary index with partition key pk
// and sort key sk, for item types that cannot carry gsi= tags. pk is one
// KeyAttr or, for a multi-attribute partition key, KeyAttrs listing up to
// four; sk lists the sort key attributes in order (none, one, or up to
// four for a multi-attribute sort key):
//
//	ddb.WithGlobalIndex("ByRegion",
//		ddb.KeyAttrs{ddb.StringKey("Tenant"), ddb.StringKey("Region")},
//		ddb.NumberKey("Year"), ddb.NumberKey("Month"))
func WithGlobalIndex(name string, pk PartitionKey, sk ...KeyAttr) TableOption {
	var pks []KeyAttr
	if pk != nil {
		pks = slices.Clone(pk.partitionAttrs())
	}
	sks := slices.Clone(sk)
	return func(o *tableOptions) {
		o.indexes = append(o.indexes, &indexSchema{Name: name, PK: pks, SK: sks})
	}
}

// WithLocalIndex declares a local secondary index with sort key sk, for item
// types that cannot carry lsi= tags. Its partition key is the table's.
func WithLocalIndex(name string, sk KeyAttr) TableOption {
	return func(o *tableOptions) {
		o.indexes = append(o.indexes, &indexSchema{Name: name, Local: true, SK: []KeyAttr{sk}})
	}
}

// indexSchema is one secondary index. For a local index PK is the table's
// partition key.
type indexSchema struct {
	Name  string
	Local bool
	// PK and SK are the key attributes in key order; SK is empty when the
	// index has no sort key. While tags are read, a slot of a position not
	// (yet) given has an empty Name.
	PK, SK []KeyAttr
	// tagForms records, per role (0 pk, 1 sk), whether tags used the plain
	// form (bit 1: gsi=N:pk) and the numbered one (bit 2: gsi=N:pk1).
	tagForms [2]uint8
}

// attrs returns the index's key attributes: partition, then sort.
func (ix *indexSchema) attrs() []KeyAttr {
	return append(slices.Clip(ix.PK), ix.SK...)
}

// multi reports whether the index has a multi-attribute key.
func (ix *indexSchema) multi() bool { return len(ix.PK) > 1 || len(ix.SK) > 1 }

// fieldInfo is one struct field with its parsed ddb tag.
type fieldInfo struct {
	structField
}

// schema is everything ddb knows about T's table layout.
type schema struct {
	itemType reflect.Type
	isStruct bool
	pk, sk   KeyAttr // sk.Name == "" when the table has no sort key
	indexes  map[string]*indexSchema
	// byAttr maps attribute names of key fields to their field (struct T only).
	byAttr map[string]*fieldInfo
	// retag lists the key fields declared by options whose key encoding
	// differs from their item encoding (see fixKeyTimes).
	retag []*fieldInfo
	// Fields holding the reserved roles; nil when absent.
	version, created, updated, ttl *fieldInfo
	// attrs is the set of attribute names expressions may use; nil: any.
	attrs *attrSet
	// allowExtra records AllowExtraAttributes.
	allowExtra bool
	// cursorKeys seal and open cursors (WithCursorKeys); nil: plain cursors.
	cursorKeys cursorAEADs
}

// keyAttrs returns the table's key attributes: pk, then sk if any.
func (s *schema) keyAttrs() []KeyAttr {
	if s.sk.Name == "" {
		return []KeyAttr{s.pk}
	}
	return []KeyAttr{s.pk, s.sk}
}

// index returns the named index, or an error when T declares no such index.
func (s *schema) index(name string) (*indexSchema, error) {
	ix, ok := s.indexes[name]
	if !ok {
		return nil, fmt.Errorf("unknown index %q (declare it with gsi=/lsi= tags or WithGlobalIndex/WithLocalIndex)", name)
	}
	return ix, nil
}

// positionAttrs returns the attributes that make up a LastEvaluatedKey when
// reading the table (index "") or the named index, in a fixed order.
func (s *schema) positionAttrs(index string) []KeyAttr {
	attrs := s.keyAttrs()
	if ix := s.indexes[index]; ix != nil {
		for _, a := range ix.attrs() {
			if !slices.Contains(attrs, a) {
				attrs = append(attrs, a)
			}
		}
	}
	return attrs
}

// schemaErr builds an ErrInvalidSchema error.
func schemaErr(typ reflect.Type, field, format string, args ...any) error {
	return &Error{Op: "NewTable", Field: field, Kind: ErrInvalidSchema,
		Msg: fmt.Sprintf("%v: ", typ) + fmt.Sprintf(format, args...)}
}

// buildSchema derives the schema of item type typ from its tags and opts.
func buildSchema(typ reflect.Type, o *tableOptions) (*schema, error) {
	s := &schema{itemType: typ, indexes: map[string]*indexSchema{}, byAttr: map[string]*fieldInfo{}}
	switch {
	case typ.Kind() == reflect.Struct:
		s.isStruct = true
		if err := s.fromTags(typ); err != nil {
			return nil, err
		}
	case typ.Kind() == reflect.Map && typ.Key().Kind() == reflect.String:
	default:
		return nil, schemaErr(typ, "", "item type must be a struct or a map with string keys")
	}
	if len(o.key) > 0 {
		if s.pk.Name != "" {
			return nil, schemaErr(typ, s.pk.Name, "WithKey given but the type also has a ddb:\"pk\" tag")
		}
		if len(o.key) > 2 {
			return nil, schemaErr(typ, "", "WithKey takes at most one sort key, got %d", len(o.key)-1)
		}
		var err error
		if s.pk, err = s.declared(o.key[0], "partition key"); err != nil {
			return nil, err
		}
		if len(o.key) == 2 {
			if s.sk, err = s.declared(o.key[1], "sort key"); err != nil {
				return nil, err
			}
		}
	}
	if s.pk.Name == "" {
		return nil, schemaErr(typ, "", "no partition key: tag a field `ddb:\"pk\"` or use WithKey")
	}
	if s.sk.Name == s.pk.Name {
		return nil, schemaErr(typ, s.sk.Name, "sort key is the partition key")
	}
	for _, ix := range o.indexes {
		if _, dup := s.indexes[ix.Name]; dup {
			return nil, schemaErr(typ, "", "index %q declared twice", ix.Name)
		}
		c := *ix
		c.PK, c.SK = slices.Clone(ix.PK), slices.Clone(ix.SK)
		roles := [2][]KeyAttr{c.PK, c.SK}
		if c.Local {
			roles[0] = nil // the table's partition key, set by finishIndexes
		}
		for r, list := range roles {
			for i := range list {
				var err error
				if list[i], err = s.declared(list[i], indexRoleName(c.Name, r, i, len(list) > 1)); err != nil {
					return nil, err
				}
			}
		}
		s.indexes[c.Name] = &c
	}
	if err := s.finishIndexes(); err != nil {
		return nil, err
	}
	var err error
	if s.cursorKeys, err = newCursorAEADs(o.cursorKeys); err != nil {
		return nil, &Error{Op: "NewTable", Kind: ErrInvalidInput, Msg: err.Error()}
	}
	s.allowExtra = o.allowExtra
	s.attrs = knownAttrs(typ, o.allowExtra, s.keyNames()...)
	return s, nil
}

// declared validates a key attribute given through an option. For a struct T
// the attribute must be one of its fields with a matching key type.
func (s *schema) declared(a KeyAttr, role string) (KeyAttr, error) {
	if a.Name == "" {
		return a, schemaErr(s.itemType, "", "%s has an empty name", role)
	}
	switch a.Type {
	case types.ScalarAttributeTypeS, types.ScalarAttributeTypeN, types.ScalarAttributeTypeB:
	default:
		return a, schemaErr(s.itemType, a.Name, "%s type %q is not S, N or B", role, a.Type)
	}
	if !s.isStruct {
		return a, nil
	}
	for _, f := range structFields(s.itemType) {
		if f.Name != a.Name {
			continue
		}
		kf, retag := asKeyField(f)
		fi, got, err := s.keyField(kf, role)
		if err != nil {
			return a, err
		}
		if retag {
			s.retag = append(s.retag, fi)
		}
		if got.Type != a.Type {
			return a, schemaErr(s.itemType, a.Name, "%s declared as %s but the field encodes as %s", role, a.Type, got.Type)
		}
		s.byAttr[a.Name] = fi
		return a, nil
	}
	return a, schemaErr(s.itemType, a.Name, "%s: no field with attribute name %q", role, a.Name)
}

// fromTags reads the ddb tags of struct type typ.
func (s *schema) fromTags(typ reflect.Type) error {
	for _, f := range structFields(typ) {
		tag, ok := f.Tag.Lookup("ddb")
		if !ok || tag == "" {
			continue
		}
		for _, opt := range strings.Split(tag, ",") {
			opt = strings.TrimSpace(opt)
			if err := s.applyTagOption(f, opt); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyTagOption applies one ddb tag option of field f.
func (s *schema) applyTagOption(f structField, opt string) error {
	typ := s.itemType
	role := func(dst **fieldInfo, name string) error {
		if *dst != nil {
			return schemaErr(typ, f.Name, "two %s fields (%s and %s)", name, (*dst).Name, f.Name)
		}
		*dst = &fieldInfo{structField: f}
		return nil
	}
	key := func(dst *KeyAttr, name string) error {
		if dst.Name != "" {
			return schemaErr(typ, f.Name, "two %s fields (%s and %s)", name, dst.Name, f.Name)
		}
		_, ka, err := s.keyField(f, name)
		if err != nil {
			return err
		}
		*dst = ka
		return nil
	}
	switch {
	case opt == "":
		return nil
	case opt == "pk":
		return key(&s.pk, "partition key")
	case opt == "sk":
		return key(&s.sk, "sort key")
	case opt == "version":
		return role(&s.version, "version")
	case opt == "created":
		return role(&s.created, "created")
	case opt == "updated":
		return role(&s.updated, "updated")
	case opt == "ttl":
		return role(&s.ttl, "ttl")
	case strings.HasPrefix(opt, "gsi="):
		name, part, _ := strings.Cut(strings.TrimPrefix(opt, "gsi="), ":")
		role, pos, plain, ok := parseIndexPart(part)
		if !ok || name == "" {
			return schemaErr(typ, f.Name, "bad option %q: want gsi=IndexName:pk or gsi=IndexName:sk, or pk1 to pk4 / sk1 to sk4 for a multi-attribute key", opt)
		}
		ix := s.indexes[name]
		if ix == nil {
			ix = &indexSchema{Name: name}
			s.indexes[name] = ix
		}
		if ix.Local {
			return schemaErr(typ, f.Name, "index %q is both global and local", name)
		}
		form := uint8(2)
		if plain {
			form = 1
		}
		if ix.tagForms[role] |= form; ix.tagForms[role] == 3 {
			return schemaErr(typ, f.Name, "index %q mixes gsi=%s:%s and gsi=%s:%s1: number every attribute of a multi-attribute key", name, name, roleTags[role], name, roleTags[role])
		}
		list := &ix.PK
		if role == 1 {
			list = &ix.SK
		}
		for len(*list) < pos {
			*list = append(*list, KeyAttr{})
		}
		return key(&(*list)[pos-1], indexRoleName(name, role, pos-1, !plain))
	case strings.HasPrefix(opt, "timefmt="):
		return s.checkTimeFmt(f, opt)
	case strings.HasPrefix(opt, "lsi="):
		name := strings.TrimPrefix(opt, "lsi=")
		if name == "" || strings.Contains(name, ":") {
			return schemaErr(typ, f.Name, "bad option %q: want lsi=IndexName", opt)
		}
		if ix := s.indexes[name]; ix != nil {
			if !ix.Local {
				return schemaErr(typ, f.Name, "index %q is both global and local", name)
			}
			return schemaErr(typ, f.Name, "two sort key fields for local index %q", name)
		}
		ix := &indexSchema{Name: name, Local: true, SK: make([]KeyAttr, 1)}
		s.indexes[name] = ix
		return key(&ix.SK[0], "sort key of index "+name)
	default:
		return schemaErr(typ, f.Name, "unknown ddb tag option %q", opt)
	}
}

// roleTags are the tag words of the two roles of a global index's key.
var roleTags = [2]string{"pk", "sk"}

// parseIndexPart parses the part after the colon of gsi=Name:part: the
// role (0 partition, 1 sort), the 1-based position, and whether the plain
// form (pk, sk) was used.
func parseIndexPart(part string) (role, pos int, plain, ok bool) {
	for r, w := range roleTags {
		rest, found := strings.CutPrefix(part, w)
		switch {
		case !found:
			continue
		case rest == "":
			return r, 1, true, true
		case len(rest) == 1 && '1' <= rest[0] && rest[0] <= '0'+maxIndexKeyAttrs:
			return r, int(rest[0] - '0'), false, true
		}
	}
	return 0, 0, false, false
}

// indexRoleName names key attribute i (0-based) of role r (0 partition,
// 1 sort) of index ix in errors, with its position when numbered.
func indexRoleName(ix string, r, i int, numbered bool) string {
	what := [2]string{"partition key", "sort key"}[r] + " of index " + ix
	if numbered {
		what = fmt.Sprintf("%s (%s%d)", what, roleTags[r], i+1)
	}
	return what
}

// finishIndexes completes and checks indexes once the table key is known:
// every global index has 1 to 4 partition key attributes and 0 to 4 sort
// key attributes, numbered without gaps, no attribute twice in its key.
func (s *schema) finishIndexes() error {
	names := make([]string, 0, len(s.indexes))
	for n := range s.indexes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ix := s.indexes[n]
		if err := checkResourceName("index", n); err != nil {
			return schemaErr(s.itemType, "", "%v", err)
		}
		if ix.Local {
			if len(ix.SK) != 1 {
				return schemaErr(s.itemType, "", "local index %q needs exactly one sort key", n)
			}
			if s.sk.Name == "" {
				return schemaErr(s.itemType, ix.SK[0].Name, "local index %q needs a table with a sort key", n)
			}
			ix.PK = []KeyAttr{s.pk}
			continue
		}
		if len(ix.PK) == 0 {
			field := ""
			if len(ix.SK) > 0 {
				field = ix.SK[0].Name
			}
			return schemaErr(s.itemType, field, "global index %q has no partition key (gsi=%s:pk)", n, n)
		}
		seen := map[string]bool{}
		for r, list := range [2][]KeyAttr{ix.PK, ix.SK} {
			if len(list) > maxIndexKeyAttrs {
				return schemaErr(s.itemType, list[maxIndexKeyAttrs].Name, "global index %q has %d %s attributes; DynamoDB allows at most %d", n, len(list), [2]string{"partition key", "sort key"}[r], maxIndexKeyAttrs)
			}
			for i, a := range list {
				if a.Name == "" {
					return schemaErr(s.itemType, "", "global index %q has no gsi=%s:%s%d but has a later position: number key attributes from 1 without gaps", n, n, roleTags[r], i+1)
				}
				if seen[a.Name] {
					return schemaErr(s.itemType, a.Name, "global index %q uses attribute %q twice in its key", n, a.Name)
				}
				seen[a.Name] = true
			}
		}
	}
	return nil
}

// keyField checks that struct field f can be a key attribute and returns
// its key attribute (name and scalar type) as the codec encodes it.
func (s *schema) keyField(f structField, role string) (*fieldInfo, KeyAttr, error) {
	fi := &fieldInfo{structField: f}
	if existing := s.byAttr[f.Name]; existing != nil {
		fi = existing
	}
	t := probeKeyType(&fi.structField)
	if t == "" {
		return nil, KeyAttr{}, schemaErr(s.itemType, f.Name, "%s field of type %v does not encode as a string, number or binary", role, f.Type)
	}
	s.byAttr[f.Name] = fi
	return fi, KeyAttr{Name: f.Name, Type: t}, nil
}

// probeKeyType returns the scalar type field f's values encode as, or ""
// when they are not S, N or B.
func probeKeyType(f *structField) types.ScalarAttributeType {
	pv := reflect.New(f.Type).Elem()
	fillProbe(pv)
	av, _ := encodeFieldValue(f, pv)
	return scalarType(av)
}

// fillProbe makes v a non-nil value so that pointers and byte slices encode
// as their element type rather than NULL.
func fillProbe(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillProbe(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
	}
}

// scalarType returns the scalar type of av, or "" when av is not S, N or B.
func scalarType(av types.AttributeValue) types.ScalarAttributeType {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return types.ScalarAttributeTypeS
	case *types.AttributeValueMemberN:
		return types.ScalarAttributeTypeN
	case *types.AttributeValueMemberB:
		return types.ScalarAttributeTypeB
	}
	return ""
}

// checkKeyValue verifies that av is a valid value for key attribute a:
// present, of a's type and not empty.
func checkKeyValue(a KeyAttr, av types.AttributeValue) error {
	if av == nil {
		return fmt.Errorf("missing key attribute %q", a.Name)
	}
	got := scalarType(av)
	if got != a.Type {
		return fmt.Errorf("key attribute %q must be of type %s, got %s", a.Name, a.Type, avKindName(av))
	}
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		if v.Value == "" {
			return fmt.Errorf("key attribute %q is an empty string", a.Name)
		}
	case *types.AttributeValueMemberB:
		if len(v.Value) == 0 {
			return fmt.Errorf("key attribute %q is empty binary", a.Name)
		}
	}
	return nil
}

// marshalKey encodes one key value for attribute a with encodeKey (so a
// field's codec options such as `dynamodbav:",string"` apply, and times are
// stored as keys) and checks it.
func (s *schema) marshalKey(a KeyAttr, v any) (types.AttributeValue, error) {
	if v == nil {
		return nil, fmt.Errorf("nil value for key attribute %q", a.Name)
	}
	av, err := s.encodeKey(a, v)
	if err != nil {
		return nil, fmt.Errorf("key attribute %q: %w", a.Name, err)
	}
	if err := checkKeyValue(a, av); err != nil {
		return nil, err
	}
	return av, nil
}
