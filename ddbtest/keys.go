package ddbtest

import (
	"encoding/binary"

	"github.com/ddb-go/ddb/ddbtest/internal/av"
)

// Key encoding.
//
// Every tree key is a byte string whose bytes.Compare order is DynamoDB's
// order, so that a Query is a range walk:
//
//	table key:  hash32(enc(pk)) enc(pk) [enc(sk)]
//	index key:  hash32(enc(ipk1)..enc(ipkN)) enc(ipk1)..enc(ipkN) [enc(isk1)..enc(iskM)] tablekey
//
// An index key with several partition or sort attributes (a global
// secondary index's multi-attribute key) concatenates their encodings in
// schema order. Because enc is prefix-free (below), two concatenations
// first differ inside the encodings of the first attribute whose values
// differ, so byte order is the lexicographic order of the tuples, each
// attribute compared by its own type; and the encodings of a leading run
// of sort attributes are a prefix of every key with those values.
//
// hash32 is FNV-1a of the encoded partition key, big-endian. It spreads
// partitions over the key space the way DynamoDB's partition hashing does,
// so that a parallel Scan segment is one contiguous key range, and a Scan
// does not return partitions in value order.
//
// enc is self-delimiting (no encoding is a prefix of another) and
// order-preserving within a type:
//
//	S, B: the bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01.
//	N:    0x02 for zero; otherwise 0x03 (positive) or 0x01 (negative),
//	      the decimal exponent E of 0.d1d2...dn x 10^E as 2 bytes, and the
//	      significant digits as bytes 1..10 then 0x00; for negative numbers
//	      the exponent and digit bytes are inverted (255-x) and the
//	      terminator is 0xFF.
//
// Because enc is prefix-free, comparing an encoded key suffix with an
// encoded bound decides <, =, > without decoding, and begins_with on S/B
// is a byte-prefix test of the escaped prefix without its terminator.

// appendEnc appends the order-preserving encoding of a scalar key value.
func appendEnc(dst []byte, v av.Value) []byte {
	switch v.Type {
	case av.S:
		dst = appendEscaped(dst, v.Str)
	case av.B:
		dst = appendEscaped(dst, string(v.Bytes))
	case av.N:
		return appendNumber(dst, v.Str)
	}
	return append(dst, 0x00, 0x01)
}

// appendEscaped appends s with 0x00 escaped, without terminator.
func appendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		dst = append(dst, c)
		if c == 0 {
			dst = append(dst, 0xFF)
		}
	}
	return dst
}

// appendNumber encodes a decimal number text ("-12.5", "1E+3", "0.001").
// The text must be a valid number (the server validates numbers on input).
func appendNumber(dst []byte, s string) []byte {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	// Split mantissa and exponent.
	exp := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			e, sign := 0, 1
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				if s[j] == '-' {
					sign = -1
				}
				j++
			}
			for ; j < len(s); j++ {
				e = e*10 + int(s[j]-'0')
				if e > 100000 {
					e = 100000
				}
			}
			exp = sign * e
			s = s[:i]
			break
		}
	}
	// Collect significant digits; E counts digits before the point.
	var digits [64]byte
	nd := 0
	intDigits := 0
	seenPoint := false
	leading := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			seenPoint = true
			continue
		}
		if leading && c == '0' {
			if seenPoint {
				intDigits--
			}
			continue
		}
		leading = false
		if !seenPoint {
			intDigits++
		}
		if nd < len(digits) {
			digits[nd] = c - '0'
			nd++
		}
	}
	for nd > 0 && digits[nd-1] == 0 {
		nd--
	}
	if nd == 0 {
		return append(dst, 0x02)
	}
	e := uint16(int32(intDigits+exp) + 0x8000)
	if neg {
		dst = append(dst, 0x01)
		dst = binary.BigEndian.AppendUint16(dst, ^e)
		for _, d := range digits[:nd] {
			dst = append(dst, 255-(d+1))
		}
		return append(dst, 0xFF)
	}
	dst = append(dst, 0x03)
	dst = binary.BigEndian.AppendUint16(dst, e)
	for _, d := range digits[:nd] {
		dst = append(dst, d+1)
	}
	return append(dst, 0x00)
}

// hash32 is FNV-1a over b.
func hash32(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// appendPartition appends hash32(enc(pk...)) enc(pk...): the partition
// key, of one or more attribute values in schema order.
func appendPartition(dst []byte, pk ...av.Value) []byte {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	for _, v := range pk {
		dst = appendEnc(dst, v)
	}
	binary.BigEndian.PutUint32(dst[start:], hash32(dst[start+4:]))
	return dst
}

// prefixEnd returns the smallest key greater than every key that has p as
// a prefix, or nil when there is none (p is all 0xFF).
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xFF {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// segmentBounds returns the key range [lo, hi) of parallel-scan segment
// seg of total; hi is nil for the last segment.
func segmentBounds(seg, total int) (lo, hi []byte) {
	start := uint64(seg) << 32 / uint64(total)
	lo = binary.BigEndian.AppendUint32(nil, uint32(start))
	if seg+1 < total {
		end := uint64(seg+1) << 32 / uint64(total)
		hi = binary.BigEndian.AppendUint32(nil, uint32(end))
	}
	if seg == 0 {
		lo = nil
	}
	return lo, hi
}

// decodeEnc decodes one value of type typ encoded by appendEnc at the
// start of b, returning it and the rest of b. ok is false for malformed
// input.
func decodeEnc(b []byte, typ av.Type) (v av.Value, rest []byte, ok bool) {
	if typ == av.N {
		return decodeNumber(b)
	}
	var out []byte
	for i := 0; i+1 < len(b); i++ {
		if b[i] != 0 {
			out = append(out, b[i])
			continue
		}
		switch b[i+1] {
		case 0x01:
			if typ == av.S {
				return av.Value{Type: av.S, Str: string(out)}, b[i+2:], true
			}
			if out == nil {
				out = []byte{}
			}
			return av.Value{Type: av.B, Bytes: out}, b[i+2:], true
		case 0xFF:
			out = append(out, 0)
			i++
		default:
			return v, nil, false
		}
	}
	return v, nil, false
}

// decodeNumber decodes appendNumber's encoding into canonical text.
func decodeNumber(b []byte) (av.Value, []byte, bool) {
	if len(b) == 0 {
		return av.Value{}, nil, false
	}
	if b[0] == 0x02 {
		return av.Value{Type: av.N, Str: "0"}, b[1:], true
	}
	if len(b) < 4 || (b[0] != 0x01 && b[0] != 0x03) {
		return av.Value{}, nil, false
	}
	neg := b[0] == 0x01
	e := binary.BigEndian.Uint16(b[1:3])
	term := byte(0x00)
	if neg {
		e, term = ^e, 0xFF
	}
	exp := int(e) - 0x8000
	var digits []byte
	i := 3
	for ; i < len(b) && b[i] != term; i++ {
		d := b[i]
		if neg {
			d = 255 - d
		}
		digits = append(digits, '0'+d-1)
	}
	if i == len(b) || len(digits) == 0 {
		return av.Value{}, nil, false
	}
	var s []byte
	if neg {
		s = append(s, '-')
	}
	n := len(digits)
	switch {
	case exp <= 0:
		s = append(s, "0."...)
		for k := 0; k < -exp; k++ {
			s = append(s, '0')
		}
		s = append(s, digits...)
	case exp < n:
		s = append(s, digits[:exp]...)
		s = append(s, '.')
		s = append(s, digits[exp:]...)
	default:
		s = append(s, digits...)
		for k := n; k < exp; k++ {
			s = append(s, '0')
		}
	}
	return av.Value{Type: av.N, Str: string(s)}, b[i+1:], true
}
