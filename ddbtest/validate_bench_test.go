package ddbtest

import "testing"

// BenchmarkValidate measures the validation layer alone on the hot
// operations' requests.
func BenchmarkValidate(b *testing.B) {
	for _, o := range opBodies {
		b.Run(o.op, func(b *testing.B) {
			body := []byte(o.body)
			b.ReportAllocs()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := validateRequest(o.op, body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
