package ddbtest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// faultSpecNames are the kinds' names in a fault spec (see ParseFaults).
var faultSpecNames = map[string]FaultKind{
	"throttle":    FaultThrottle,
	"internal":    FaultInternalError,
	"unprocessed": FaultUnprocessed,
	"delay":       FaultDelay,
	"lost":        FaultLostResponse,
	"reset":       FaultReset,
	"slow":        FaultSlowResponse,
	"throttling":  FaultThrottling,
	"limit":       FaultRequestLimitExceeded,
	"txconflict":  FaultTransactionConflict,
}

// ParseFaults parses a fault spec, the text form of Faults that ddblocal's
// -faults flag takes: groups separated by ";", each a comma-separated list
// of rules KIND=RATE[@ARG] and at most one ops=OP+OP+... naming the
// operations the group's rules affect (all when absent), and, in any
// group, seed=N. ARG is the Delay of delay and slow (a Go duration, e.g.
// 2s) and the Status of lost (e.g. 500). KIND is one of throttle,
// internal, unprocessed, delay, lost, reset, slow, throttling, limit
// (RequestLimitExceeded) and txconflict. For example
//
//	seed=1,lost=0.1,reset=0.05,ops=PutItem+UpdateItem;throttling=0.02
//
// An empty spec is the zero Faults (no faults).
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	ddbOps := ops
	for _, group := range strings.Split(spec, ";") {
		var ops []string
		first := len(f.Rules)
		for _, field := range strings.Split(group, ",") {
			field = strings.TrimSpace(field)
			if field == "" {
				continue
			}
			key, val, ok := strings.Cut(field, "=")
			if !ok {
				return Faults{}, fmt.Errorf("ddbtest: fault spec %q: want KEY=VALUE", field)
			}
			switch key {
			case "seed":
				n, err := strconv.ParseInt(val, 10, 64)
				if err != nil {
					return Faults{}, fmt.Errorf("ddbtest: fault spec %q: seed is not an integer", field)
				}
				f.Seed = n
			case "ops":
				if ops != nil {
					return Faults{}, fmt.Errorf("ddbtest: fault spec %q: ops given twice in a group", field)
				}
				ops = strings.Split(val, "+")
				for _, op := range ops {
					if _, ok := ddbOps[op]; !ok {
						return Faults{}, fmt.Errorf("ddbtest: fault spec %q: unknown operation %q", field, op)
					}
				}
			default:
				r, err := parseFaultRule(key, val)
				if err != nil {
					return Faults{}, fmt.Errorf("ddbtest: fault spec %q: %w", field, err)
				}
				f.Rules = append(f.Rules, r)
			}
		}
		for i := first; i < len(f.Rules); i++ {
			f.Rules[i].Ops = ops
		}
	}
	return f, nil
}

// parseFaultRule parses the rule KEY=RATE[@ARG] of a fault spec.
func parseFaultRule(key, val string) (FaultRule, error) {
	kind, ok := faultSpecNames[key]
	if !ok {
		return FaultRule{}, fmt.Errorf("unknown fault %q", key)
	}
	rate, arg, hasArg := strings.Cut(val, "@")
	r := FaultRule{Kind: kind}
	var err error
	if r.Rate, err = strconv.ParseFloat(rate, 64); err != nil || r.Rate < 0 || r.Rate > 1 {
		return FaultRule{}, fmt.Errorf("rate %q is not a number from 0 to 1", rate)
	}
	switch {
	case kind == FaultDelay || kind == FaultSlowResponse:
		if !hasArg {
			return FaultRule{}, fmt.Errorf("%s needs a duration: %s=RATE@DURATION", key, key)
		}
		if r.Delay, err = time.ParseDuration(arg); err != nil || r.Delay < 0 {
			return FaultRule{}, fmt.Errorf("%q is not a duration", arg)
		}
	case kind == FaultLostResponse && hasArg:
		if r.Status, err = strconv.Atoi(arg); err != nil || r.Status < 200 || r.Status > 599 {
			return FaultRule{}, fmt.Errorf("%q is not an HTTP status", arg)
		}
	case hasArg:
		return FaultRule{}, fmt.Errorf("%s takes no @ argument", key)
	}
	return r, nil
}
