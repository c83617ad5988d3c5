package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The period the event times cover: 2026-01-01 00:00 UTC up to, not
// including, 2026-04-01.
var (
	periodStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	periodDays  = int(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC).Sub(periodStart).Hours() / 24)
)

const dayMicros = 24 * hourMicros

// Customers signed up between these dates (inclusive), more of them
// recently.
var (
	signupFirst = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	signupLast  = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Rows per scale unit.
const (
	customersPerScale    = 10_000
	merchantsPerScale    = 1_000
	transactionsPerScale = 100_000
	spendPerScale        = 30_000
	campaignsPerScale    = 20_000

	// spendDays is the number of daily snapshots of each customer in
	// customer_spend_1; spendPerScale/spendDays customers per scale unit
	// have them.
	spendDays = 30
	// spendWindow is the number of days spend_7d and tx_count_7d cover.
	spendWindow = 7
)

// Rates of missing and rare values.
const (
	ageNullRate      = 0.03
	countryNullRate  = 0.01
	riskNullRate     = 0.05
	merchantNullRate = 0.005
	domesticRate     = 0.75 // share of purchases from merchants in the customer's country
)

// customer is one row of customers_1 and customers_2.
type customer struct {
	segment      int
	country      int  // index into countries; also for customers whose country is unknown
	countryKnown bool // false for the ~1% whose country is NULL
	activity     float64
	first, last  string
	age          int32 // 0 when unknown
	signup       int32 // days since 1970-01-01
	creditLimit  float64
	emailDomain  string
}

// customerModel draws customers from their ids.
type customerModel struct {
	rand      *entityRand
	segments  weighted
	countries weighted
}

func newCustomerModel(scale int) *customerModel {
	segs := make([]float64, len(segments))
	for i, s := range segments {
		segs[i] = s.share
	}
	ctrs := make([]float64, len(countries))
	for i, c := range countries {
		ctrs[i] = c.customers
	}
	return &customerModel{rand: newEntityRand("customers", scale), segments: newWeighted(segs), countries: newWeighted(ctrs)}
}

// draw returns customer id. With full false it stops after the attributes
// other tables need (segment, country, activity).
func (m *customerModel) draw(id int64, full bool) customer {
	r := m.rand.at(id)
	var c customer
	c.segment = m.segments.pick(r)
	c.country = m.countries.pick(r)
	c.countryKnown = r.Float64() >= countryNullRate
	// Activity is heavy-tailed: the top 1% of customers make about a sixth
	// of the purchases.
	c.activity = logNormal(r, 1, 1.3) * segments[c.segment].activity
	if !full {
		return c
	}
	reg := &regions[countries[c.country].region]
	c.first = reg.first[r.IntN(len(reg.first))]
	c.last = reg.last[r.IntN(len(reg.last))]
	if r.Float64() >= ageNullRate {
		mean := 43.0
		switch c.segment {
		case premium:
			mean = 49
		case business:
			mean = 46
		}
		c.age = int32(min(max(math.Round(mean+14*r.NormFloat64()), 18), 95))
	}
	// Sign-ups grow linearly over the years: the density of a date rises
	// with it, so take the square root of a uniform number.
	first := signupFirst.Unix() / 86400
	span := signupLast.Unix()/86400 - first + 1
	c.signup = int32(first + int64(math.Sqrt(r.Float64())*float64(span)))
	switch c.segment {
	case retail:
		c.creditLimit = roundTo(logNormal(r, 4000, 0.6), 500, 500, 50_000)
	case premium:
		c.creditLimit = roundTo(logNormal(r, 20_000, 0.5), 1000, 5000, 200_000)
	default:
		c.creditLimit = roundTo(logNormal(r, 75_000, 0.7), 5000, 10_000, 1_000_000)
	}
	c.emailDomain = m.emailDomain(r, &c)
	return c
}

func (m *customerModel) emailDomain(r *rand.Rand, c *customer) string {
	ctry := &countries[c.country]
	if c.segment == business && r.Float64() < 0.6 {
		word := strings.ToLower(strings.ReplaceAll(nameWords[r.IntN(len(nameWords))], " ", ""))
		return word + companyWords[r.IntN(len(companyWords))] + "." + ctry.tld
	}
	total := float64(ispShare)
	for _, d := range mailDomains {
		total += d.share
	}
	u := r.Float64() * total
	for _, d := range mailDomains {
		if u < d.share {
			return d.domain
		}
		u -= d.share
	}
	return ctry.isps[r.IntN(len(ctry.isps))]
}

// roundTo rounds x to a multiple of step within [lo, hi].
func roundTo(x, step, lo, hi float64) float64 {
	return min(max(math.Round(x/step)*step, lo), hi)
}

// merchant is one row of merchants_1.
type merchant struct {
	category   int // index into categories
	country    int // index into countries
	popularity float64
	name       string
	risk       float64 // NaN when unknown
}

type merchantModel struct {
	rand       *entityRand
	categories weighted
	countries  weighted
}

func newMerchantModel(scale int) *merchantModel {
	cats := make([]float64, len(categories))
	for i, c := range categories {
		cats[i] = c.share
	}
	ctrs := make([]float64, len(countries))
	for i, c := range countries {
		ctrs[i] = c.merchants
	}
	return &merchantModel{rand: newEntityRand("merchants", scale), categories: newWeighted(cats), countries: newWeighted(ctrs)}
}

func (m *merchantModel) draw(id int64) merchant {
	r := m.rand.at(id)
	var mc merchant
	mc.category = m.categories.pick(r)
	mc.country = m.countries.pick(r)
	cat := &categories[mc.category]
	mc.popularity = logNormal(r, 1, 1.2) * cat.freq
	mc.name = nameWords[r.IntN(len(nameWords))] + " " + cat.names[r.IntN(len(cat.names))]
	mc.risk = math.NaN()
	if r.Float64() >= riskNullRate {
		mc.risk = math.Round(min(logNormal(r, cat.risk, 0.45), 1)*1000) / 1000
	}
	return mc
}

// world holds what the tables that refer to customers and merchants need
// to know about all of them: a few bytes per customer and merchant and the
// samplers that pick them. It is built once and read concurrently.
type world struct {
	scale      int
	customers  int64
	merchants  int64
	custSeg    []uint8
	custCtry   []uint8
	custAct    []float32
	custPick   *alias // customer index by activity
	merchCat   []uint8
	merchCtry  []uint8
	merchRisk  []float32 // NaN when unknown
	merchPick  *alias    // merchant index by popularity
	localIDs   [][]int32 // merchant indexes by country
	localPick  []*alias  // index into localIDs[country] by popularity; nil if none
	categories weighted  // category of purchases without a merchant
}

func newWorld(scale int) *world {
	w := &world{
		scale:     scale,
		customers: int64(customersPerScale * scale),
		merchants: int64(merchantsPerScale * scale),
	}
	cm := newCustomerModel(scale)
	w.custSeg = make([]uint8, w.customers)
	w.custCtry = make([]uint8, w.customers)
	w.custAct = make([]float32, w.customers)
	weights := make([]float64, w.customers)
	for i := range w.customers {
		c := cm.draw(i+1, false)
		w.custSeg[i], w.custCtry[i] = uint8(c.segment), uint8(c.country)
		w.custAct[i] = float32(c.activity)
		weights[i] = float64(w.custAct[i])
	}
	w.custPick = newAlias(weights)

	mm := newMerchantModel(scale)
	w.merchCat = make([]uint8, w.merchants)
	w.merchCtry = make([]uint8, w.merchants)
	w.merchRisk = make([]float32, w.merchants)
	weights = weights[:w.merchants]
	local := make([][]float64, len(countries))
	w.localIDs = make([][]int32, len(countries))
	for i := range w.merchants {
		m := mm.draw(i + 1)
		w.merchCat[i], w.merchCtry[i] = uint8(m.category), uint8(m.country)
		w.merchRisk[i] = float32(m.risk)
		weights[i] = m.popularity
		w.localIDs[m.country] = append(w.localIDs[m.country], int32(i))
		local[m.country] = append(local[m.country], m.popularity)
	}
	w.merchPick = newAlias(weights)
	w.localPick = make([]*alias, len(countries))
	for c := range countries {
		if len(local[c]) > 0 {
			w.localPick[c] = newAlias(local[c])
		}
	}
	cats := make([]float64, len(categories))
	for i, c := range categories {
		cats[i] = c.share * c.freq
	}
	w.categories = newWeighted(cats)
	return w
}

// topCustomers returns the ids of the k most active customers, ascending.
func (w *world) topCustomers(k int) []int64 {
	idx := make([]int32, w.customers)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmp.Compare(w.custAct[b], w.custAct[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ids := make([]int64, k)
	for i := range ids {
		ids[i] = int64(idx[i]) + 1
	}
	slices.Sort(ids)
	return ids
}

// tx is one row of transactions_1.
type tx struct {
	id         int64
	customer   int64
	merchant   int64 // 0 when NULL
	cents      int64 // amount in hundredths of the currency
	currency   int   // index into countries, whose currency it is
	ts         int64 // microseconds since the epoch, UTC
	fraud      bool
	euroCents  float64 // the amount in euro cents, for customer_spend_1
	customerIx int     // customer - 1
}

// txStream produces the transactions in time order. Two streams for the
// same world give the same transactions, so customer_spend_1 recomputes
// them instead of reading transactions_1 back.
type txStream struct {
	w    *world
	r    *rand.Rand
	time *timeline
	n    int64 // total transactions
	next int64 // index of the next transaction
}

func newTxStream(w *world) *txStream {
	return &txStream{
		w:    w,
		r:    newRand("transactions_1", w.scale),
		time: newTimeline(periodStart.UnixMicro(), periodDays, purchaseRate),
		n:    int64(transactionsPerScale * w.scale),
	}
}

// purchaseHour is the relative rate of card payments by hour of day (UTC;
// most customers live one or two hours east of it).
var purchaseHour = [24]float64{
	0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.60, 0.90, 1.00, 1.10, 1.30,
	1.50, 1.30, 1.10, 1.10, 1.30, 1.60, 1.70, 1.50, 1.20, 0.90, 0.60, 0.40,
}

// purchaseWeekday is the relative rate of card payments by day of the week,
// Sunday first.
var purchaseWeekday = [7]float64{0.80, 0.95, 0.95, 1.00, 1.05, 1.25, 1.30}

// purchaseRate is the relative rate of card payments in hour h of day d of
// the period: a daily and weekly rhythm, slow growth, busier paydays (25th
// to 27th), a quiet New Year's Day and a busy Valentine's Day.
func purchaseRate(d, h int) float64 {
	t := periodStart.AddDate(0, 0, d)
	r := purchaseHour[h] * purchaseWeekday[t.Weekday()] * (1 + 0.1*float64(d)/float64(periodDays))
	switch {
	case t.Day() >= 25 && t.Day() <= 27:
		r *= 1.25
	case t.Month() == time.January && t.Day() == 1:
		r *= 0.6
	case t.Month() == time.February && t.Day() == 14:
		r *= 1.2
	}
	return r
}

// fill sets t to the next transaction; it reports false after the last.
func (s *txStream) fill(t *tx) bool {
	if s.next >= s.n {
		return false
	}
	w, r := s.w, s.r
	i := s.next
	s.next++
	// Quantiles (i + U) / n increase with i, so the times do too.
	t.id = i + 1
	t.ts = s.time.at((float64(i) + r.Float64()) / float64(s.n))

	ci := w.custPick.sample(r)
	t.customerIx = ci
	t.customer = int64(ci) + 1
	home := int(w.custCtry[ci])

	var cat int
	risk := 0.3 // for purchases whose merchant or its risk is unknown
	t.merchant = 0
	t.currency = home
	if r.Float64() < merchantNullRate {
		cat = w.categories.pick(r)
	} else {
		var mi int
		if lp := w.localPick[home]; lp != nil && r.Float64() < domesticRate {
			mi = int(w.localIDs[home][lp.sample(r)])
		} else {
			mi = w.merchPick.sample(r)
		}
		t.merchant = int64(mi) + 1
		cat = int(w.merchCat[mi])
		t.currency = int(w.merchCtry[mi])
		if rs := w.merchRisk[mi]; !math.IsNaN(float64(rs)) {
			risk = float64(rs)
		}
	}

	c := &categories[cat]
	euros := logNormal(r, c.median, c.sigma) * segments[w.custSeg[ci]].spend
	euros = min(max(euros, 0.5), 250_000)
	t.cents = int64(math.Round(euros * countries[t.currency].perEUR * 100))
	t.euroCents = float64(t.cents) / countries[t.currency].perEUR

	// Fraud is more likely at risky merchants, for large amounts and at
	// night; the constant makes about 1% of all payments fraudulent.
	p := 0.058 * (0.05 + risk) * min(max(0.5*math.Log(euros/10), 0.5), 3)
	if hour := (t.ts / hourMicros) % 24; hour < 5 {
		p *= 2
	}
	t.fraud = r.Float64() < p
	return true
}
