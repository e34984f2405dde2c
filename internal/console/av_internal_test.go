package console

import (
	"strings"
	"testing"
)

// TestItemJSON reads items in DynamoDB JSON and plain JSON and writes them
// back: every type, empty lists, maps and binaries included.
func TestItemJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		plain bool
		wire  string // compactJSON of what was read
		err   string
	}{
		{in: `{"s":{"S":"x"},"n":{"N":"1.50"},"b":{"B":"AAE="},"t":{"BOOL":true},"z":{"NULL":true}}`,
			wire: `{"b":{"B":"AAE="},"n":{"N":"1.50"},"s":{"S":"x"},"t":{"BOOL":true},"z":{"NULL":true}}`},
		{in: `{"ss":{"SS":["a","b"]},"ns":{"NS":["1"]},"bs":{"BS":["AA=="]}}`,
			wire: `{"bs":{"BS":["AA=="]},"ns":{"NS":["1"]},"ss":{"SS":["a","b"]}}`},
		{in: `{"l":{"L":[]},"m":{"M":{}},"e":{"B":""},"f":{"BOOL":false},"nest":{"L":[{"M":{"k":{"L":[]}}}]}}`,
			wire: `{"e":{"B":""},"f":{"BOOL":false},"l":{"L":[]},"m":{"M":{}},"nest":{"L":[{"M":{"k":{"L":[]}}}]}}`},
		{in: `{"s":"x","n":12345678901234567890,"t":false,"z":null,"l":[1,"a"],"m":{"k":[]}}`, plain: true,
			wire: `{"l":{"L":[{"N":"1"},{"S":"a"}]},"m":{"M":{"k":{"L":[]}}},"n":{"N":"12345678901234567890"},"s":{"S":"x"},"t":{"BOOL":false},"z":{"NULL":true}}`},
		{in: `{"a":{"S":"x","N":"1"}}`, err: "exactly one type key"},
		{in: `{"a":{"Q":"x"}}`, err: `unknown attribute value type "Q"`},
		{in: `null`, err: "null"},
		{in: `[1]`, plain: true, err: "not a JSON object"},
	} {
		item, err := parseItem(tc.in, tc.plain)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseItem(%s) error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseItem(%s): %v", tc.in, err)
			continue
		}
		if got := compactJSON(item); got != tc.wire {
			t.Errorf("parseItem(%s)\n = %s\nwant %s", tc.in, got, tc.wire)
		}
		back, err := parseItem(itemJSON(item), false)
		if err != nil || compactJSON(back) != tc.wire {
			t.Errorf("round trip of %s: %s, %v", tc.wire, compactJSON(back), err)
		}
	}
}
