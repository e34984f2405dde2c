package conformance

import "slices"

// corpus returns every scenario.
func corpus() []scenario {
	return slices.Concat(
		tableScenarios(),
		itemScenarios(),
		updateScenarios(),
		conditionScenarios(),
		queryScenarios(),
		scanScenarios(),
		wireScenarios(),
		legacyScenarios(),
	)
}
