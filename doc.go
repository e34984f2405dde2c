// Package ddb is a high-level, resource-style DynamoDB library built on
// aws-sdk-go-v2. A Table[T] wraps a DynamoDB client, marshals Go values to
// and from items, builds expressions safely, and hides pagination behind
// Go iterators.
//
// # Describing a table
//
// The item type T is a struct whose key fields carry `ddb` tags:
//
//	type Order struct {
//		Customer string    `ddb:"pk"`                  // partition key
//		Placed   time.Time `ddb:"sk"`                  // sort key, stored in KeyTimeLayout
//		Status   string    `ddb:"gsi=ByStatus:pk"`     // global index partition key
//		Total    int       `ddb:"gsi=ByStatus:sk"`     // global index sort key
//		Ref      string    `ddb:"lsi=ByRef" dynamodbav:",omitempty"` // local index sort key
//		Version  int64     `ddb:"version"`
//	}
//
// The tag value is a comma-separated list of options:
//
//	pk            the table's partition (hash) key
//	sk            the table's sort (range) key
//	gsi=Name:pk   partition key of global secondary index Name
//	gsi=Name:sk   sort key of global secondary index Name
//	gsi=Name:pk2  second attribute of a multi-attribute partition key
//	              (pk1 to pk4; likewise sk1 to sk4 for the sort key)
//	lsi=Name      sort key of local secondary index Name
//	version       optimistic-locking version number
//	created       creation time
//	updated       last-update time
//	ttl           time-to-live attribute
//	timefmt=rfc3339  a time key stored as attributevalue stores times (see below)
//
// Options combine (`ddb:"sk,gsi=ByDay:sk"`); unknown options are an error.
//
// A global index may have a multi-attribute key: up to four partition key
// attributes and four sort key attributes, numbered by position (tags
// gsi=ByRegion:pk1, gsi=ByRegion:pk2, gsi=ByRegion:sk1, ..., or
// WithGlobalIndex with KeyAttrs). Query it with every partition key value
// in a Partition and sort key conditions left to right, Eq before the last:
// orders.Query(ddb.Partition{"acme", "eu"}, ddb.Eq(2025), ddb.Ge(3)).Index("ByRegion").
//
// A time.Time in a key role is stored in KeyTimeLayout (UTC, fixed width,
// nanoseconds), so that sort keys and index keys sort in time order and
// an instant finds its item from any zone: orders.Query("c1",
// ddb.Ge(since)) is right whatever since's zone. Every key value ddb sends
// (items, Get/Delete/Update keys, key conditions, batches, transactions,
// entity key templates) uses that one encoding. `dynamodbav:",unixtime"`
// stores epoch seconds (N) instead. Tables written by attributevalue or
// guregu/dynamo hold RFC 3339 text with the writer's zone and trimmed
// fractions: tag such fields timefmt=rfc3339 to keep reading and writing
// them, knowing that text does not sort in time order and only matches a
// time given in the zone and precision it was written with.
// Attribute names and encodings come from the codec's `dynamodbav` tags, so
// `dynamodbav:"id,string"` renames a key and makes it a string key. A key
// field must encode as a string (S), number (N) or binary (B) value.
//
// For map item types, or structs without tags, describe the key with
// options: NewTable[map[string]any](client, "events", ddb.WithKey(ddb.StringKey("pk"), ddb.NumberKey("sk"))).
//
// NewTable checks all of this up front; mistakes fail with errors matching
// ErrInvalidSchema that name the field.
//
// # Reading and writing
//
//	orders, err := ddb.NewTable[Order](client, "orders")
//	err = orders.Put(ctx, o)
//	o, err := orders.Get(ctx, ddb.Key{"c1", placed}) // ErrNotFound when absent
//	err = orders.Delete(ctx, ddb.Key{"c1", placed})
//
//	for o, err := range orders.Query("c1", ddb.Ge(since)).Desc().All(ctx) {
//		if err != nil { ... }  // a failed page ends the loop with its error
//		...
//	}
//
// Every call that takes a key takes a Key: the partition key value, then
// the sort key value, followed by the call's options:
//
//	o, err = orders.Get(ctx, ddb.Key{"c1", placed}, ddb.Consistent())
//	err = orders.Delete(ctx, ddb.Key{"c1", placed}, ddb.If(ddb.Attr("Status").Eq("cancelled")))
//
// Query and Scan results can also be read page by page with Pages; each
// Page has an opaque Cursor that StartFrom resumes from, even in another
// process, and that is empty exactly when the read has no more items.
// WithCursorKeys seals cursors with AES-GCM for handing them to clients.
// Limit bounds the number of items returned across pages, PageSize the
// number of items each request reads.
//
// Key values that do not fit the table's key fail with ErrInvalidKey, and
// items over DynamoDB's 400 KB (MaxItemSize) with ErrItemTooLarge, before
// any request is sent, and so does an expression of a Table[T] naming an
// attribute that struct T does not store (ErrUnknownAttribute, with a
// "did you mean" hint; AllowExtraAttributes turns this off). NewTable
// rejects table and index names DynamoDB would (3 to 255 characters of
// a-z, A-Z, 0-9, '_', '-', '.') with ErrInvalidSchema. Errors from
// DynamoDB are returned as *Error values that match a sentinel error of
// this package (ErrConditionFailed, ErrValidation, ErrThrottled,
// ErrTableNotFound, ErrRequest for anything else, ...) with errors.Is and
// still unwrap to the SDK's exception types with errors.As; the end of the
// request's context matches context.Canceled or context.DeadlineExceeded.
package ddb
