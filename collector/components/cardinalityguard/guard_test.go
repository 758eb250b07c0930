package cardinalityguard

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor/processortest"
)

func TestConfigFromTestdataAndValidation(t *testing.T) {
	conf, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := conf.Sub(TypeStr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Limits["user"] != 500 || cfg.Limits["team"] != 50 || cfg.OverflowValue != "other" {
		t.Fatalf("unexpected config %+v", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty overflow", Config{Limits: map[string]int{"user": 1}}, "overflow_value"},
		{"no limits", Config{OverflowValue: "other"}, "at least one"},
		{"zero limit", Config{Limits: map[string]int{"user": 0}, OverflowValue: "other"}, `"user" is 0`},
		{"empty key", Config{Limits: map[string]int{"": 3}, OverflowValue: "other"}, "key is empty"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// points builds one metrics payload: a delta sum with one point per user, value 1 each, plus a
// histogram point for the first user.
func points(users []string, team string) pmetric.Metrics {
	md := pmetric.NewMetrics()
	sm := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty()
	sum := sm.Metrics().AppendEmpty()
	sum.SetName("openai.tokens")
	dps := sum.SetEmptySum().DataPoints()
	for _, u := range users {
		dp := dps.AppendEmpty()
		dp.SetIntValue(1)
		dp.Attributes().PutStr("user", u)
		dp.Attributes().PutStr("team", team)
		dp.Attributes().PutStr("model", "m")
	}
	h := sm.Metrics().AppendEmpty()
	h.SetName("openai.request_duration_ms")
	hp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hp.SetCount(1)
	hp.Attributes().PutStr("user", users[0])
	return md
}

func TestFoldsValuesBeyondTheLimitIntoOtherAndKeepsTotals(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	cfg := &Config{Limits: map[string]int{"user": 3, "team": 1}, OverflowValue: "other"}
	p, err := NewFactory().CreateMetrics(context.Background(),
		processortest.NewNopSettings(component.MustNewType(TypeStr)), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for i := 0; i < 1000; i++ {
		users = append(users, fmt.Sprintf("user-%d", i))
	}
	// "other" sent by a client is not a new value; two payloads show the admitted set is kept.
	for _, batch := range [][]string{append([]string{"other"}, users[:600]...), users[400:]} {
		if err := p.ConsumeMetrics(context.Background(), points(batch, "t"+batch[1])); err != nil {
			t.Fatal(err)
		}
	}
	byUser := map[string]int64{}
	byTeam := map[string]int64{}
	var total int64
	for _, md := range sink.AllMetrics() {
		dps := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			u, _ := dps.At(i).Attributes().Get("user")
			tm, _ := dps.At(i).Attributes().Get("team")
			m, _ := dps.At(i).Attributes().Get("model")
			if m.Str() != "m" {
				t.Fatalf("another attribute changed: %q", m.Str())
			}
			byUser[u.Str()] += dps.At(i).IntValue()
			byTeam[tm.Str()] += dps.At(i).IntValue()
			total += dps.At(i).IntValue()
		}
	}
	if total != 1201 {
		t.Fatalf("total %d, want 1201 (no point dropped)", total)
	}
	want := map[string]int64{"other": 1201 - 3, "user-0": 1, "user-1": 1, "user-2": 1}
	if fmt.Sprint(byUser) != fmt.Sprint(want) {
		t.Fatalf("by user %v, want %v", byUser, want)
	}
	if len(byTeam) != 2 || byTeam["tuser-0"] != 601 || byTeam["other"] != 600 {
		t.Fatalf("by team %v", byTeam)
	}
	h := sink.AllMetrics()[0].ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(1)
	if u, _ := h.Histogram().DataPoints().At(0).Attributes().Get("user"); u.Str() != "other" {
		t.Fatalf("the histogram point's user %q should be the one sent (other)", u.Str())
	}
}

func TestPointsWithoutTheAttributesAreUntouched(t *testing.T) {
	g := newGuard(&Config{Limits: map[string]int{"user": 1}, OverflowValue: "other"}, nil)
	md := pmetric.NewMetrics()
	dp := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty()
	dp.Attributes().PutStr("model", "m")
	if _, err := g.processMetrics(context.Background(), md); err != nil {
		t.Fatal(err)
	}
	if dp.Attributes().Len() != 1 || len(g.seen["user"]) != 0 {
		t.Fatalf("attributes %v, seen %v", dp.Attributes().AsRaw(), g.seen)
	}
}
