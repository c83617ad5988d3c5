package demo

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hopsql/hopsql/connector"
	"github.com/hopsql/hopsql/connector/local"
)

// wantTable is a table as the issue specifies it.
type wantTable struct {
	project, table string
	rows           int64 // per scale unit
	pk             []string
	eventTime      string
	cols           []string // "name type"
}

var wantTables = []wantTable{
	{"bank", "customers_1", 10_000, []string{"customer_id"}, "", []string{
		"customer_id bigint", "name string", "age int", "country string", "segment string",
		"signup_date date", "credit_limit double"}},
	{"bank", "customers_2", 10_000, []string{"customer_id"}, "", []string{
		"customer_id bigint", "name string", "age int", "country string", "segment string",
		"signup_date date", "credit_limit double", "email_domain string"}},
	{"bank", "merchants_1", 1_000, []string{"merchant_id"}, "", []string{
		"merchant_id bigint", "name string", "category string", "country string", "risk_score double"}},
	{"fraud", "transactions_1", 100_000, []string{"tx_id"}, "ts", []string{
		"tx_id bigint", "customer_id bigint", "merchant_id bigint", "amount decimal(12,2)",
		"currency string", "ts timestamp", "is_fraud boolean"}},
	{"fraud", "customer_spend_1", 30_000, []string{"customer_id", "ts"}, "ts", []string{
		"customer_id bigint", "ts timestamp", "spend_7d double", "tx_count_7d bigint"}},
	{"marketing", "campaigns_1", 20_000, []string{"campaign_id"}, "sent_at", []string{
		"campaign_id bigint", "customer_id bigint", "channel string", "sent_at timestamp"}},
}

// hashTree returns the SHA-256 of every file under dir, by slash path.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sums[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	require.NoError(t, err)
	return sums
}

// demoData is the scale-1 store, read back.
type demoData struct {
	tables map[string]arrow.Table // by table name
}

func (d *demoData) release() {
	for _, t := range d.tables {
		t.Release()
	}
}

// column returns the values of a column as Go values, read by get, and
// whether each is valid (not NULL).
func column[T any](t *testing.T, d *demoData, table, name string, get func(a arrow.Array, i int) T) (vals []T, valid []bool) {
	t.Helper()
	tbl := d.tables[table]
	idx := tbl.Schema().FieldIndices(name)
	require.Len(t, idx, 1, "%s.%s", table, name)
	for _, c := range tbl.Column(idx[0]).Data().Chunks() {
		for i := range c.Len() {
			valid = append(valid, c.IsValid(i))
			var v T
			if c.IsValid(i) {
				v = get(c, i)
			}
			vals = append(vals, v)
		}
	}
	return vals, valid
}

func i64(a arrow.Array, i int) int64   { return a.(*array.Int64).Value(i) }
func i32(a arrow.Array, i int) int32   { return a.(*array.Int32).Value(i) }
func f64(a arrow.Array, i int) float64 { return a.(*array.Float64).Value(i) }
func str(a arrow.Array, i int) string  { return a.(*array.String).Value(i) }
func bln(a arrow.Array, i int) bool    { return a.(*array.Boolean).Value(i) }
func ts(a arrow.Array, i int) int64    { return int64(a.(*array.Timestamp).Value(i)) }
func date(a arrow.Array, i int) int32  { return int32(a.(*array.Date32).Value(i)) }
func cents(a arrow.Array, i int) int64 { return int64(a.(*array.Decimal128).Value(i).LowBits()) }
func nullRate(valid []bool) float64    { return 1 - float64(count(valid, true))/float64(len(valid)) }
func count[T comparable](s []T, v T) (n int) {
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func loadDemo(t *testing.T, mem memory.Allocator, dir string) *demoData {
	t.Helper()
	d := &demoData{tables: map[string]arrow.Table{}}
	for _, w := range wantTables {
		fgDir := filepath.Join(dir, w.project, w.table)
		parts, err := filepath.Glob(filepath.Join(fgDir, "*.parquet"))
		require.NoError(t, err)
		require.NotEmpty(t, parts, fgDir)
		var recs []arrow.Record
		var schema *arrow.Schema
		for _, p := range parts {
			f, err := file.OpenParquetFile(p, false)
			require.NoError(t, err)
			fr, err := pqarrow.NewFileReader(f, pqarrow.ArrowReadProperties{BatchSize: 64 * 1024}, mem)
			require.NoError(t, err)
			rr, err := fr.GetRecordReader(context.Background(), nil, nil)
			require.NoError(t, err)
			schema = rr.Schema()
			for rr.Next() {
				rec := rr.Record()
				rec.Retain()
				recs = append(recs, rec)
			}
			if err := rr.Err(); !errors.Is(err, io.EOF) { // pqarrow v15 ends with io.EOF
				require.NoError(t, err)
			}
			rr.Release()
			require.NoError(t, f.Close())
		}
		d.tables[w.table] = array.NewTableFromRecords(schema, recs)
		for _, r := range recs {
			r.Release()
		}
	}
	return d
}

func TestGenerate(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx := context.Background()

	dir := t.TempDir()
	start := time.Now()
	require.NoError(t, generate(ctx, dir, 1, mem))
	t.Logf("scale 1 generated in %v", time.Since(start))
	first := hashTree(t, dir)

	// The file set is exactly the issue's, with nothing left over.
	var want []string
	for _, p := range Projects() {
		want = append(want, p+"/project.json")
	}
	for _, w := range wantTables {
		want = append(want, w.project+"/"+w.table+"/featuregroup.json", w.project+"/"+w.table+"/part-00000.parquet")
	}
	got := make([]string, 0, len(first))
	for p := range first {
		got = append(got, p)
	}
	sort.Strings(want)
	sort.Strings(got)
	assert.Equal(t, want, got)

	t.Run("deterministic", func(t *testing.T) {
		again := t.TempDir()
		require.NoError(t, generate(ctx, again, 1, mem))
		assert.Equal(t, first, hashTree(t, again))
	})

	t.Run("projects", func(t *testing.T) {
		for p, want := range map[string]map[string]any{
			"bank":      {"name": "bank", "shared_with": []any{"fraud"}},
			"fraud":     {"name": "fraud"},
			"marketing": {"name": "marketing"},
		} {
			b, err := os.ReadFile(filepath.Join(dir, p, "project.json"))
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal(b, &got))
			assert.Equal(t, want, got)
		}
	})

	d := loadDemo(t, mem, dir)
	defer d.release()

	t.Run("schemas", func(t *testing.T) { testSchemas(t, dir, d) })
	t.Run("customers", func(t *testing.T) { testCustomers(t, d) })
	t.Run("merchants", func(t *testing.T) { testMerchants(t, d) })
	t.Run("transactions", func(t *testing.T) { testTransactions(t, d) })
	t.Run("transactions row groups", func(t *testing.T) { testRowGroups(t, dir) })
	t.Run("customer_spend", func(t *testing.T) { testSpend(t, d) })
	t.Run("campaigns", func(t *testing.T) { testCampaigns(t, d) })
}

func testSchemas(t *testing.T, dir string, d *demoData) {
	for _, w := range wantTables {
		b, err := os.ReadFile(filepath.Join(dir, w.project, w.table, "featuregroup.json"))
		require.NoError(t, err)
		var fg local.FeatureGroupFile
		require.NoError(t, json.Unmarshal(b, &fg))
		assert.Equal(t, w.table, fmt.Sprintf("%s_%d", fg.Name, fg.Version))
		assert.NotEmpty(t, fg.Description, w.table)
		assert.Equal(t, w.pk, fg.PrimaryKey, w.table)
		if w.eventTime == "" {
			assert.Nil(t, fg.EventTime, w.table)
		} else if assert.NotNil(t, fg.EventTime, w.table) {
			assert.Equal(t, w.eventTime, *fg.EventTime, w.table)
		}
		var cols []string
		for _, f := range fg.Features {
			cols = append(cols, f.Name+" "+f.Type)
			assert.NotEmpty(t, f.Description, "%s.%s", w.table, f.Name)
			assert.NotContains(t, f.Description, "\n")
		}
		assert.Equal(t, w.cols, cols)

		// The Parquet columns have the features' types.
		tbl := d.tables[w.table]
		assert.EqualValues(t, w.rows, tbl.NumRows(), w.table)
		require.Equal(t, len(fg.Features), tbl.Schema().NumFields())
		for i, f := range fg.Features {
			want, err := connector.ParseType(f.Type)
			require.NoError(t, err)
			got := tbl.Schema().Field(i)
			assert.Equal(t, f.Name, got.Name)
			if ts, ok := got.Type.(*arrow.TimestampType); ok {
				// pqarrow reads timestamps as UTC instants.
				assert.Equal(t, arrow.Microsecond, ts.Unit, "%s.%s", w.table, f.Name)
				assert.Equal(t, arrow.TIMESTAMP, want.ID())
				continue
			}
			assert.True(t, arrow.TypeEqual(want, got.Type), "%s.%s: %s, want %s", w.table, f.Name, got.Type, want)
		}
	}

	// Only the columns the issue allows to be NULL have NULLs.
	nullable := map[string]bool{"customers_1.age": true, "customers_1.country": true, "customers_2.age": true,
		"customers_2.country": true, "merchants_1.risk_score": true, "transactions_1.merchant_id": true}
	for name, tbl := range d.tables {
		for i, f := range tbl.Schema().Fields() {
			if !nullable[name+"."+f.Name] {
				assert.Zero(t, tbl.Column(i).NullN(), "%s.%s", name, f.Name)
			}
		}
	}
}

var (
	periodFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	periodTo   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
)

func customerIDs(t *testing.T, d *demoData) map[int64]bool {
	ids, _ := column(t, d, "customers_1", "customer_id", i64)
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func testCustomers(t *testing.T, d *demoData) {
	ids, _ := column(t, d, "customers_1", "customer_id", i64)
	assert.Len(t, customerIDs(t, d), len(ids), "customer_id is unique")

	_, ageValid := column(t, d, "customers_1", "age", i32)
	assert.InDelta(t, 0.03, nullRate(ageValid), 0.01, "age NULL rate")
	ctry, ctryValid := column(t, d, "customers_1", "country", str)
	assert.InDelta(t, 0.01, nullRate(ctryValid), 0.005, "country NULL rate")
	perCountry := map[string]int{}
	for i, c := range ctry {
		if ctryValid[i] {
			assert.Regexp(t, "^[A-Z]{2}$", c)
			perCountry[c]++
		}
	}
	assert.Greater(t, len(perCountry), 10)
	for c, n := range perCountry {
		if c != "SE" {
			assert.Less(t, n, perCountry["SE"], "Sweden has most customers")
		}
	}
	assert.InDelta(t, 0.24, float64(perCountry["SE"])/float64(len(ctry)), 0.02)

	seg, _ := column(t, d, "customers_1", "segment", str)
	limit, _ := column(t, d, "customers_1", "credit_limit", f64)
	shares := map[string]float64{}
	limits := map[string][]float64{}
	for i, s := range seg {
		shares[s] += 1 / float64(len(seg))
		limits[s] = append(limits[s], limit[i])
	}
	assert.Len(t, shares, 3)
	assert.InDelta(t, 0.80, shares["retail"], 0.02)
	assert.InDelta(t, 0.15, shares["premium"], 0.02)
	assert.InDelta(t, 0.05, shares["business"], 0.01)
	median := func(s []float64) float64 { s = slices.Clone(s); slices.Sort(s); return s[len(s)/2] }
	assert.Less(t, median(limits["retail"]), median(limits["premium"]))
	assert.Less(t, median(limits["premium"]), median(limits["business"]))

	signup, _ := column(t, d, "customers_1", "signup_date", date)
	lo, hi := int32(time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC).Unix()/86400), int32(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Unix()/86400)
	years := map[int]int{}
	for _, s := range signup {
		assert.True(t, s >= lo && s <= hi, "signup_date %d", s)
		years[time.Unix(int64(s)*86400, 0).UTC().Year()]++
	}
	assert.Len(t, years, 9)
	assert.Greater(t, years[2025], 2*years[2018], "more recent sign-ups")

	// customers_2 holds the same rows and columns, plus email_domain.
	c1, c2 := d.tables["customers_1"], d.tables["customers_2"]
	for i := range int(c1.NumCols()) {
		assert.True(t, array.ChunkedEqual(c1.Column(i).Data(), c2.Column(i).Data()), "column %s", c1.Schema().Field(i).Name)
	}
	domains, _ := column(t, d, "customers_2", "email_domain", str)
	perDomain := map[string]int{}
	for _, dm := range domains {
		assert.Regexp(t, `^[a-z0-9-]+(\.[a-z]+)+$`, dm)
		perDomain[dm]++
	}
	assert.Greater(t, perDomain["gmail.com"], len(domains)/4)
}

func testMerchants(t *testing.T, d *demoData) {
	ids, _ := column(t, d, "merchants_1", "merchant_id", i64)
	assert.Len(t, uniq(ids), len(ids), "merchant_id is unique")
	risk, valid := column(t, d, "merchants_1", "risk_score", f64)
	assert.InDelta(t, 0.05, nullRate(valid), 0.02, "risk_score NULL rate")
	for i, r := range risk {
		if valid[i] {
			assert.True(t, r >= 0 && r <= 1, "risk_score %v", r)
		}
	}
	cats, _ := column(t, d, "merchants_1", "category", str)
	assert.Len(t, uniq(cats), len(categories))
	ctry, _ := column(t, d, "merchants_1", "country", str)
	for _, c := range ctry {
		assert.Regexp(t, "^[A-Z]{2}$", c)
	}
}

func uniq[T comparable](s []T) map[T]bool {
	m := make(map[T]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// euroRate returns units of currency per euro.
func euroRate(t *testing.T, currency string) float64 {
	for _, c := range countries {
		if c.currency == currency {
			return c.perEUR
		}
	}
	t.Fatalf("unknown currency %q", currency)
	return 0
}

func testTransactions(t *testing.T, d *demoData) {
	const tbl = "transactions_1"
	ids, _ := column(t, d, tbl, "tx_id", i64)
	custs, _ := column(t, d, tbl, "customer_id", i64)
	merchs, merchValid := column(t, d, tbl, "merchant_id", i64)
	amounts, _ := column(t, d, tbl, "amount", cents)
	currency, _ := column(t, d, tbl, "currency", str)
	times, _ := column(t, d, tbl, "ts", ts)
	fraud, _ := column(t, d, tbl, "is_fraud", bln)

	// Keys: unique, in ts order; foreign keys resolve.
	known := customerIDs(t, d)
	mids, _ := column(t, d, "merchants_1", "merchant_id", i64)
	merchants := uniq(mids)
	for i := range ids {
		assert.Equal(t, int64(i+1), ids[i], "tx_id")
		if i > 0 && times[i] < times[i-1] {
			t.Fatalf("ts decreases at row %d", i)
		}
		if !known[custs[i]] {
			t.Fatalf("row %d: unknown customer_id %d", i, custs[i])
		}
		if merchValid[i] && !merchants[merchs[i]] {
			t.Fatalf("row %d: unknown merchant_id %d", i, merchs[i])
		}
	}
	assert.GreaterOrEqual(t, times[0], periodFrom)
	assert.Less(t, times[len(times)-1], periodTo)
	assert.Less(t, times[0], periodFrom+dayMicros, "starts on 2026-01-01")
	assert.Greater(t, times[len(times)-1], periodTo-dayMicros, "ends on 2026-03-31")
	assert.InDelta(t, 0.005, nullRate(merchValid), 0.002, "merchant_id NULL rate")
	fraudRate := float64(count(fraud, true)) / float64(len(fraud))
	t.Logf("is_fraud rate %.2f%%", 100*fraudRate)
	assert.InDelta(t, 0.01, fraudRate, 0.003, "is_fraud rate")

	// Every month and every hour of the day has payments, the afternoon
	// more than the night.
	perHour := make([]int, 24)
	perMonth := map[time.Month]int{}
	for _, ts := range times {
		tm := time.UnixMicro(ts).UTC()
		perHour[tm.Hour()]++
		perMonth[tm.Month()]++
	}
	assert.Len(t, perMonth, 3)
	for h, n := range perHour {
		assert.Positive(t, n, "hour %d", h)
	}
	assert.Greater(t, perHour[18], 5*perHour[3])

	// Skew: the top 1% of customers make far more than 1% of the payments,
	// and the most active customers are not simply the lowest ids.
	per := map[int64]int{}
	for _, c := range custs {
		per[c]++
	}
	counts := make([]int, 0, len(per))
	for _, n := range per {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	top := 0
	for _, n := range counts[:len(known)/100] {
		top += n
	}
	share := float64(top) / float64(len(custs))
	t.Logf("top 1%% of customers make %.1f%% of payments; %d customers make none", 100*share, len(known)-len(per))
	assert.Greater(t, share, 0.08)
	assert.Less(t, share, 0.40)
	var busiest []int64
	for c, n := range per {
		if n >= counts[9] {
			busiest = append(busiest, c)
		}
	}
	assert.Greater(t, slices.Max(busiest), int64(len(known)/2))
	assert.Less(t, slices.Min(busiest), int64(len(known)/2))

	// Amounts: positive, long-tailed, in a known currency.
	euros := make([]float64, len(amounts))
	for i, a := range amounts {
		require.Positive(t, a)
		euros[i] = float64(a) / 100 / euroRate(t, currency[i])
	}
	slices.Sort(euros)
	med, p99, max := euros[len(euros)/2], euros[len(euros)*99/100], euros[len(euros)-1]
	t.Logf("amounts in euros: median %.2f, p99 %.2f, max %.2f", med, p99, max)
	assert.Greater(t, p99/med, 10.0)
	assert.Greater(t, max/med, 100.0)
}

// testRowGroups checks that transactions_1 has several row groups whose ts
// statistics do not overlap, so that a filter on ts can skip most of them.
func testRowGroups(t *testing.T, dir string) {
	f, err := file.OpenParquetFile(filepath.Join(dir, "fraud", "transactions_1", "part-00000.parquet"), false)
	require.NoError(t, err)
	defer f.Close()
	md := f.MetaData()
	assert.Equal(t, 7, f.NumRowGroups())
	col := md.Schema.ColumnIndexByName("ts")
	prevMax := int64(math.MinInt64)
	for rg := range f.NumRowGroups() {
		chunk, err := md.RowGroup(rg).ColumnChunk(col)
		require.NoError(t, err)
		st, err := chunk.Statistics()
		require.NoError(t, err)
		s, ok := st.(*metadata.Int64Statistics)
		require.True(t, ok, "%T", st)
		require.True(t, s.HasMinMax())
		assert.GreaterOrEqual(t, s.Min(), prevMax, "row group %d", rg)
		assert.Less(t, s.Max()-s.Min(), 20*dayMicros, "row group %d spans under 20 days", rg)
		prevMax = s.Max()
	}
}

func testSpend(t *testing.T, d *demoData) {
	const tbl = "customer_spend_1"
	custs, _ := column(t, d, tbl, "customer_id", i64)
	times, _ := column(t, d, tbl, "ts", ts)
	spend, _ := column(t, d, tbl, "spend_7d", f64)
	txCount, _ := column(t, d, tbl, "tx_count_7d", i64)

	known := customerIDs(t, d)
	days := map[int64][]int64{}
	seen := map[[2]int64]bool{}
	for i := range custs {
		require.True(t, known[custs[i]], "customer_id %d", custs[i])
		key := [2]int64{custs[i], times[i]}
		require.False(t, seen[key], "duplicate key %v", key)
		seen[key] = true
		require.Zero(t, times[i]%dayMicros, "ts at midnight")
		require.GreaterOrEqual(t, times[i], periodFrom+7*dayMicros)
		require.Less(t, times[i], periodTo)
		if i > 0 {
			require.True(t, times[i] > times[i-1] || times[i] == times[i-1] && custs[i] > custs[i-1], "row %d out of (ts, customer_id) order", i)
		}
		days[custs[i]] = append(days[custs[i]], times[i]/dayMicros)
	}
	assert.Len(t, days, 1000)
	for c, ds := range days {
		slices.Sort(ds)
		assert.Len(t, ds, 30, "customer %d", c)
		assert.Equal(t, ds[0]+29, ds[len(ds)-1], "customer %d: consecutive days", c)
	}

	// The snapshots agree with transactions_1.
	type agg struct {
		n     int64
		euros float64
	}
	daily := map[[2]int64]*agg{}
	tc, _ := column(t, d, "transactions_1", "customer_id", i64)
	ta, _ := column(t, d, "transactions_1", "amount", cents)
	tcur, _ := column(t, d, "transactions_1", "currency", str)
	tts, _ := column(t, d, "transactions_1", "ts", ts)
	for i := range tc {
		if _, ok := days[tc[i]]; !ok {
			continue
		}
		k := [2]int64{tc[i], tts[i] / dayMicros}
		if daily[k] == nil {
			daily[k] = &agg{}
		}
		daily[k].n++
		daily[k].euros += float64(ta[i]) / 100 / euroRate(t, tcur[i])
	}
	var zero int
	for i := range custs {
		var want agg
		for day := times[i]/dayMicros - 7; day < times[i]/dayMicros; day++ {
			if a := daily[[2]int64{custs[i], day}]; a != nil {
				want.n += a.n
				want.euros += a.euros
			}
		}
		require.Equal(t, want.n, txCount[i], "row %d tx_count_7d", i)
		require.InDelta(t, want.euros, spend[i], 0.0101, "row %d spend_7d", i)
		if txCount[i] == 0 {
			zero++
		}
	}
	assert.Less(t, zero, len(custs)/4, "the most active customers mostly spend every week")
}

func testCampaigns(t *testing.T, d *demoData) {
	const tbl = "campaigns_1"
	ids, _ := column(t, d, tbl, "campaign_id", i64)
	custs, _ := column(t, d, tbl, "customer_id", i64)
	chans, _ := column(t, d, tbl, "channel", str)
	sent, _ := column(t, d, tbl, "sent_at", ts)
	known := customerIDs(t, d)
	perChannel := map[string]int{}
	weekend := 0
	for i := range ids {
		require.Equal(t, int64(i+1), ids[i])
		require.True(t, known[custs[i]], "customer_id %d", custs[i])
		require.True(t, sent[i] >= periodFrom && sent[i] < periodTo, "sent_at in the quarter")
		if i > 0 {
			require.GreaterOrEqual(t, sent[i], sent[i-1])
		}
		perChannel[chans[i]]++
		if wd := time.UnixMicro(sent[i]).UTC().Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend++
		}
	}
	assert.Len(t, perChannel, len(channels))
	assert.Greater(t, perChannel["email"], len(ids)/2)
	assert.Less(t, weekend, len(ids)/10)
}

func TestGenerateRules(t *testing.T) {
	ctx := context.Background()
	for _, scale := range []int{0, -1, MaxScale + 1} {
		assert.ErrorContains(t, Generate(ctx, t.TempDir(), scale), "scale")
	}

	// An existing project is never replaced; dir is left as it was.
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "Fraud", "x"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "other"), 0o755))
	err := Generate(ctx, dir, 1)
	assert.ErrorContains(t, err, "Fraud already exists")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"Fraud", "other"}, names)

	// Other projects may be there.
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "Fraud")))
	require.NoError(t, Generate(ctx, dir, 1))
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	names = names[:0]
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"bank", "fraud", "marketing", "other"}, names)
}

func TestGenerateCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	assert.ErrorIs(t, generate(ctx, dir, 1, mem), context.Canceled)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// A table stops between batches and removes what it wrote.
	w := newWorld(1)
	tb := demoProjects()[1].tables[0]
	err = writeTable(ctx, dir, tb, w, mem)
	assert.ErrorIs(t, err, context.Canceled)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func BenchmarkGenerate(b *testing.B) {
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		if err := Generate(context.Background(), filepath.Join(dir, fmt.Sprint(i)), DefaultScale); err != nil {
			b.Fatal(err)
		}
	}
}
