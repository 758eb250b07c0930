package cardinalityguard

import (
	"context"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
)

// guard keeps, per bounded key, the values admitted so far (first come, first kept). The sets live
// as long as the process: a restarted collector admits afresh, which changes which values get their
// own series, never a total.
type guard struct {
	cfg    *Config
	logger *zap.Logger

	mu     sync.Mutex
	seen   map[string]map[string]struct{}
	warned map[string]bool
}

func newGuard(cfg *Config, logger *zap.Logger) *guard {
	seen := make(map[string]map[string]struct{}, len(cfg.Limits))
	for key := range cfg.Limits {
		seen[key] = map[string]struct{}{}
	}
	return &guard{cfg: cfg, logger: logger, seen: seen, warned: map[string]bool{}}
}

func (g *guard) processMetrics(_ context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				g.metric(ms.At(k))
			}
		}
	}
	return md, nil
}

func (g *guard) metric(m pmetric.Metric) {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		dps := m.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			g.fold(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeGauge:
		dps := m.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			g.fold(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			g.fold(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := m.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			g.fold(dps.At(i).Attributes())
		}
	case pmetric.MetricTypeSummary:
		dps := m.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			g.fold(dps.At(i).Attributes())
		}
	}
}

// fold admits a new value while its key is under the limit, and replaces it with the overflow
// value after.
func (g *guard) fold(attrs pcommon.Map) {
	for key, limit := range g.cfg.Limits {
		v, ok := attrs.Get(key)
		if !ok {
			continue
		}
		s := v.AsString()
		if s == g.cfg.OverflowValue {
			continue
		}
		set := g.seen[key]
		if _, known := set[s]; known {
			continue
		}
		if len(set) < limit {
			set[s] = struct{}{}
			continue
		}
		attrs.PutStr(key, g.cfg.OverflowValue)
		if !g.warned[key] {
			g.warned[key] = true
			g.logger.Warn("more distinct values than the limit: later values are counted under the overflow value",
				zap.String("attribute", key), zap.Int("limit", limit), zap.String("overflow_value", g.cfg.OverflowValue))
		}
	}
}
