package ddbtest

import (
	"bytes"
	"encoding/binary"
	"math"
	"sort"
	"strconv"
	"sync"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// A record is how an item is stored: uvarint(DynamoDB item size) followed
// by the item in DynamoDB JSON. Keeping the wire form lets reads without a
// projection splice the stored bytes straight into the response, and keeps
// memory close to the item's own size.

// makeRecord encodes item; size is its DynamoDB size.
func makeRecord(item av.Item, size int) []byte {
	bp := recordBufs.Get().(*[]byte)
	b := binary.AppendUvarint((*bp)[:0], uint64(size))
	b = av.AppendItemJSON(b, item)
	rec := bytes.Clone(b) // exact size: records live long
	if cap(b) <= 64<<10 {
		*bp = b
		recordBufs.Put(bp)
	}
	return rec
}

var recordBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// recordSize returns the DynamoDB size of the item in rec.
func recordSize(rec []byte) int {
	n, _ := binary.Uvarint(rec)
	return int(n)
}

// recordJSON returns the item of rec in DynamoDB JSON.
func recordJSON(rec []byte) []byte {
	_, k := binary.Uvarint(rec)
	return rec[k:]
}

// decodeRecord decodes the item of rec.
func decodeRecord(rec []byte) av.Item {
	item, err := av.ParseItemJSON(recordJSON(rec))
	if err != nil {
		// Records are written by makeRecord; a failure is a bug.
		panic("ddbtest: corrupt record: " + err.Error())
	}
	return item
}

// appendItem appends item in DynamoDB JSON.
func appendItem(b []byte, item av.Item) []byte {
	return av.AppendItemJSON(b, item)
}

// Capacity accounting.

// readUnits is the read capacity for size bytes read in one go.
func readUnits(size int, consistent bool) float64 {
	u := math.Ceil(float64(size) / 4096)
	if u < 1 {
		u = 1
	}
	if !consistent {
		u /= 2
	}
	return u
}

// writeUnits is the write capacity for writing an item of size bytes.
func writeUnits(size int) float64 {
	u := math.Ceil(float64(size) / 1024)
	if u < 1 {
		u = 1
	}
	return u
}

// capacity is the consumed capacity of one request on one table.
type capacity struct {
	table   string
	units   float64 // on the table itself
	read    bool
	tx      bool // a transaction's, which also reports Read/WriteCapacityUnits
	indexes map[string]float64
	global  map[string]bool
}

func (c *capacity) addIndex(name string, global bool, units float64) {
	if c.indexes == nil {
		c.indexes = map[string]float64{}
		c.global = map[string]bool{}
	}
	c.indexes[name] += units
	c.global[name] = global
}

// appendCapacity appends c as a ConsumedCapacity object; mode is the
// request's ReturnConsumedCapacity. As DynamoDB does, TOTAL is the table
// name and the total units; INDEXES adds the units on the table and on
// each index. Only transactions also split units into
// ReadCapacityUnits or WriteCapacityUnits, at every level.
func appendCapacity(b []byte, c *capacity, mode string) []byte {
	total := c.units
	names := make([]string, 0, len(c.indexes))
	for name, u := range c.indexes {
		total += u
		names = append(names, name)
	}
	b = append(b, `{"TableName":`...)
	b = appendJSONString(b, c.table)
	b = c.appendUnits(append(b, ','), total)
	if mode == "INDEXES" {
		b = append(b, `,"Table":{`...)
		b = append(c.appendUnits(b, c.units), '}')
		sort.Strings(names)
		for _, global := range []bool{false, true} {
			first := true
			for _, name := range names {
				if c.global[name] != global {
					continue
				}
				switch {
				case !first:
					b = append(b, ',')
				case global:
					b = append(b, `,"GlobalSecondaryIndexes":{`...)
				default:
					b = append(b, `,"LocalSecondaryIndexes":{`...)
				}
				first = false
				b = appendJSONString(b, name)
				b = append(b, `:{`...)
				b = append(c.appendUnits(b, c.indexes[name]), '}')
			}
			if !first {
				b = append(b, '}')
			}
		}
	}
	return append(b, '}')
}

// appendUnits appends the members of a Capacity of u units.
func (c *capacity) appendUnits(b []byte, u float64) []byte {
	b = append(b, `"CapacityUnits":`...)
	b = appendFloat(b, u)
	if !c.tx {
		return b
	}
	if c.read {
		b = append(b, `,"ReadCapacityUnits":`...)
	} else {
		b = append(b, `,"WriteCapacityUnits":`...)
	}
	return appendFloat(b, u)
}

func appendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
