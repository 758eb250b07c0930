// Package cardinalityguard is a collector processor that bounds the number of distinct values of
// chosen datapoint attributes (claude-otel's team-mode labels team, user, project): beyond a
// configured number of distinct values per attribute, new values are replaced by an overflow value
// ("other"). It only relabels points, never drops or changes a value, so sums over the attribute
// stay exact; placed before deltatocumulative, the folded points add into one "other" stream.
package cardinalityguard

import (
	"errors"
	"fmt"
)

// Config says which datapoint attributes are bounded, how many distinct values each may have, and
// what later values become.
type Config struct {
	// Limits maps an attribute key to the most distinct values kept for it (at least 1). Points
	// without the attribute are left alone; keys not listed are left alone.
	Limits map[string]int `mapstructure:"limits"`
	// OverflowValue replaces a value first seen after its key's limit was reached. It does not
	// count against the limit.
	OverflowValue string `mapstructure:"overflow_value"`
}

// DefaultOverflowValue is the label value that folded values become.
const DefaultOverflowValue = "other"

func createDefaultConfig() *Config {
	return &Config{
		Limits:        map[string]int{"team": 50, "user": 500, "project": 200},
		OverflowValue: DefaultOverflowValue,
	}
}

// Validate refuses a config that would not bound anything or could not be applied.
func (c *Config) Validate() error {
	if c.OverflowValue == "" {
		return errors.New("overflow_value must not be empty")
	}
	if len(c.Limits) == 0 {
		return errors.New("limits must name at least one attribute")
	}
	for key, limit := range c.Limits {
		if key == "" {
			return errors.New("limits: an attribute key is empty")
		}
		if limit < 1 {
			return fmt.Errorf("limits: %q is %d; it must be at least 1", key, limit)
		}
	}
	return nil
}
