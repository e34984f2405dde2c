package av

import (
	"encoding/base64"
	"unicode/utf8"
)

// MarshalJSON implements json.Marshaler with AppendJSON.
func (v Value) MarshalJSON() ([]byte, error) {
	return v.AppendJSON(make([]byte, 0, 32)), nil
}

// AppendJSON appends v in DynamoDB JSON ({"S":"x"}, {"N":"1"}, ...) to dst.
// Map members are written in Go's map iteration order.
func (v *Value) AppendJSON(dst []byte) []byte {
	switch v.Type {
	case S:
		dst = append(dst, `{"S":`...)
		dst = appendString(dst, v.Str)
	case N:
		dst = append(dst, `{"N":`...)
		dst = appendString(dst, v.Str)
	case B:
		dst = append(dst, `{"B":`...)
		dst = appendBase64(dst, v.Bytes)
	case BOOL:
		dst = append(dst, `{"BOOL":`...)
		if v.Bool {
			dst = append(dst, "true"...)
		} else {
			dst = append(dst, "false"...)
		}
	case NULL:
		dst = append(dst, `{"NULL":true`...)
	case M:
		dst = append(dst, `{"M":`...)
		dst = AppendItemJSON(dst, v.Map)
	case L:
		dst = append(dst, `{"L":[`...)
		for i := range v.List {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = v.List[i].AppendJSON(dst)
		}
		dst = append(dst, ']')
	case SS, NS:
		if v.Type == SS {
			dst = append(dst, `{"SS":[`...)
		} else {
			dst = append(dst, `{"NS":[`...)
		}
		for i, s := range v.Strs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		dst = append(dst, ']')
	case BS:
		dst = append(dst, `{"BS":[`...)
		for i, b := range v.Bins {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendBase64(dst, b)
		}
		dst = append(dst, ']')
	default:
		return append(dst, "{}"...)
	}
	return append(dst, '}')
}

// AppendItemJSON appends item as a JSON object of attribute name to
// attribute value to dst; a nil item is written as {}.
func AppendItemJSON(dst []byte, item Item) []byte {
	dst = append(dst, '{')
	first := true
	for k, e := range item {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = e.AppendJSON(dst)
	}
	return append(dst, '}')
}

func appendBase64(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, replacing invalid UTF-8 with
// U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
