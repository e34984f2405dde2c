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
//	lsi=Name        sort key of the local secondary index Name (its partition
//	                key is the table's partition key)
//	timefmt=rfc3339 a time key kept in attributevalue's text (keytime.go)
//
// Options may be combined (`ddb:"sk,gsi=ByStatus:sk"`) and gsi= may repeat.
// Any other option is rejected with ErrInvalidSchema. Attribute names and
// value encodings come from the codec, so `dynamodbav:"name,string"` renames a
// field and changes its key type exactly as it changes the stored item.

import (
	"fmt"
	"reflect"
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

// WithGlobalIndex declares a global secondary index with partition key pk and
// optional sort key sk, for item types that cannot carry gsi= tags.
func WithGlobalIndex(name string, pk KeyAttr, sk ...KeyAttr) TableOption {
	return func(o *tableOptions) {
		ix := &indexSchema{Name: name, PK: pk, skCount: len(sk)}
		if len(sk) > 0 {
			ix.SK = sk[0]
		}
		o.indexes = append(o.indexes, ix)
	}
}

// WithLocalIndex declares a local secondary index with sort key sk, for item
// types that cannot carry lsi= tags. Its partition key is the table's.
func WithLocalIndex(name string, sk KeyAttr) TableOption {
	return func(o *tableOptions) {
		o.indexes = append(o.indexes, &indexSchema{Name: name, Local: true, SK: sk, skCount: 1})
	}
}

// indexSchema is one secondary index. For a local index PK is the table's
// partition key.
type indexSchema struct {
	Name    string
	Local   bool
	PK, SK  KeyAttr // SK.Name == "" when the index has no sort key
	skCount int     // number of sort keys given to an option (validation only)
}

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
		for _, a := range []KeyAttr{ix.PK, ix.SK} {
			if a.Name != "" && a.Name != s.pk.Name && a.Name != s.sk.Name {
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
		var err error
		if !c.Local {
			if c.PK, err = s.declared(c.PK, "index partition key"); err != nil {
				return nil, err
			}
		}
		if c.skCount > 1 {
			return nil, schemaErr(typ, "", "index %q: at most one sort key", ix.Name)
		}
		if c.SK.Name != "" {
			if c.SK, err = s.declared(c.SK, "index sort key"); err != nil {
				return nil, err
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
		name, part, ok := strings.Cut(strings.TrimPrefix(opt, "gsi="), ":")
		if !ok || name == "" || (part != "pk" && part != "sk") {
			return schemaErr(typ, f.Name, "bad option %q: want gsi=IndexName:pk or gsi=IndexName:sk", opt)
		}
		ix := s.indexes[name]
		if ix == nil {
			ix = &indexSchema{Name: name}
			s.indexes[name] = ix
		}
		if ix.Local {
			return schemaErr(typ, f.Name, "index %q is both global and local", name)
		}
		if part == "pk" {
			return key(&ix.PK, "partition key of index "+name)
		}
		return key(&ix.SK, "sort key of index "+name)
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
		ix := &indexSchema{Name: name, Local: true}
		s.indexes[name] = ix
		return key(&ix.SK, "sort key of index "+name)
	default:
		return schemaErr(typ, f.Name, "unknown ddb tag option %q", opt)
	}
}

// finishIndexes completes and checks indexes once the table key is known.
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
			if s.sk.Name == "" {
				return schemaErr(s.itemType, ix.SK.Name, "local index %q needs a table with a sort key", n)
			}
			ix.PK = s.pk
			continue
		}
		if ix.PK.Name == "" {
			return schemaErr(s.itemType, ix.SK.Name, "global index %q has no partition key (gsi=%s:pk)", n, n)
		}
		if ix.PK.Name == ix.SK.Name {
			return schemaErr(s.itemType, ix.PK.Name, "global index %q uses one attribute as both keys", n)
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
	pv := reflect.New(fi.Type).Elem()
	fillProbe(pv)
	av, _ := encodeFieldValue(&fi.structField, pv)
	t := scalarType(av)
	if t == "" {
		return nil, KeyAttr{}, schemaErr(s.itemType, f.Name, "%s field of type %v does not encode as a string, number or binary", role, f.Type)
	}
	s.byAttr[f.Name] = fi
	return fi, KeyAttr{Name: f.Name, Type: t}, nil
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
