package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"

	"github.com/hopsql/hopsql/connector/local"
)

// project is one project of the demo warehouse.
type project struct {
	file   local.ProjectFile
	tables []table
}

// table is one feature group of the demo warehouse and how to make its
// rows.
type table struct {
	fg       local.FeatureGroupFile
	perScale int64 // rows per scale unit
	source   func(w *world) rowSource
}

// rowSource makes the rows of one table, in order, a batch at a time.
type rowSource interface {
	// fill appends the next n rows to b.
	fill(b *array.RecordBuilder, n int)
}

func feature(name, typ, description string) local.FeatureFile {
	return local.FeatureFile{Name: name, Type: typ, Description: description}
}

func eventTime(name string) *string { return &name }

func customerFeatures(email bool) []local.FeatureFile {
	f := []local.FeatureFile{
		feature("customer_id", "bigint", "Customer number, unique"),
		feature("name", "string", "Full name, first name first"),
		feature("age", "int", "Age in years at the end of 2025; NULL when unknown"),
		feature("country", "string", "Country of residence, ISO 3166-1 alpha-2; NULL when unknown"),
		feature("segment", "string", "Customer segment: retail, premium or business"),
		feature("signup_date", "date", "Day the customer opened their first account"),
		feature("credit_limit", "double", "Card credit limit in euros"),
	}
	if email {
		f = append(f, feature("email_domain", "string", "Domain of the customer's e-mail address"))
	}
	return f
}

// demoProjects returns the projects of the demo warehouse, in the order
// they are written.
func demoProjects() []project {
	return []project{
		{
			file: local.ProjectFile{Name: "bank", SharedWith: []string{"fraud"}},
			tables: []table{
				{
					fg: local.FeatureGroupFile{
						Name: "customers", Version: 1,
						Description: "The bank's card customers, one row per customer",
						PrimaryKey:  []string{"customer_id"},
						Features:    customerFeatures(false),
					},
					perScale: customersPerScale,
					source:   func(w *world) rowSource { return &customerSource{m: newCustomerModel(w.scale)} },
				},
				{
					fg: local.FeatureGroupFile{
						Name: "customers", Version: 2,
						Description: "The bank's card customers, one row per customer; version 2 adds email_domain",
						PrimaryKey:  []string{"customer_id"},
						Features:    customerFeatures(true),
					},
					perScale: customersPerScale,
					source: func(w *world) rowSource {
						return &customerSource{m: newCustomerModel(w.scale), email: true}
					},
				},
				{
					fg: local.FeatureGroupFile{
						Name: "merchants", Version: 1,
						Description: "Merchants that accept the bank's cards, one row per merchant",
						PrimaryKey:  []string{"merchant_id"},
						Features: []local.FeatureFile{
							feature("merchant_id", "bigint", "Merchant number, unique"),
							feature("name", "string", "Trading name"),
							feature("category", "string", "Merchant category, such as grocery, travel or gambling"),
							feature("country", "string", "Country of registration, ISO 3166-1 alpha-2"),
							feature("risk_score", "double", "Fraud risk from 0 (low) to 1 (high); NULL when not yet scored"),
						},
					},
					perScale: merchantsPerScale,
					source:   func(w *world) rowSource { return &merchantSource{m: newMerchantModel(w.scale)} },
				},
			},
		},
		{
			file: local.ProjectFile{Name: "fraud"},
			tables: []table{
				{
					fg: local.FeatureGroupFile{
						Name: "transactions", Version: 1,
						Description: "Card payments in the first quarter of 2026, in time order",
						PrimaryKey:  []string{"tx_id"},
						EventTime:   eventTime("ts"),
						Features: []local.FeatureFile{
							feature("tx_id", "bigint", "Payment number, unique, increasing with ts"),
							feature("customer_id", "bigint", "Paying customer, a bank::customers_1 customer_id"),
							feature("merchant_id", "bigint", "Merchant paid, a bank::merchants_1 merchant_id; NULL when not captured"),
							feature("amount", "decimal(12,2)", "Amount paid, in currency"),
							feature("currency", "string", "Currency of amount, ISO 4217 (the merchant's, else the customer's)"),
							feature("ts", "timestamp", "Time of the payment, UTC"),
							feature("is_fraud", "boolean", "Whether the payment was later confirmed as fraud"),
						},
					},
					perScale: transactionsPerScale,
					source:   func(w *world) rowSource { return &txSource{s: newTxStream(w)} },
				},
				{
					fg: local.FeatureGroupFile{
						Name: "customer_spend", Version: 1,
						Description: "Daily snapshots of the most active customers' recent spending, computed from transactions_1",
						PrimaryKey:  []string{"customer_id", "ts"},
						EventTime:   eventTime("ts"),
						Features: []local.FeatureFile{
							feature("customer_id", "bigint", "Customer, a bank::customers_1 customer_id"),
							feature("ts", "timestamp", "Snapshot time, midnight UTC"),
							feature("spend_7d", "double", "Euro value of the customer's payments in the 7 days before ts"),
							feature("tx_count_7d", "bigint", "Number of the customer's payments in the 7 days before ts"),
						},
					},
					perScale: spendPerScale,
					source:   func(w *world) rowSource { return newSpendSource(w) },
				},
			},
		},
		{
			file: local.ProjectFile{Name: "marketing"},
			tables: []table{
				{
					fg: local.FeatureGroupFile{
						Name: "campaigns", Version: 1,
						Description: "Marketing messages sent to customers in the first quarter of 2026, in time order",
						PrimaryKey:  []string{"campaign_id"},
						EventTime:   eventTime("sent_at"),
						Features: []local.FeatureFile{
							feature("campaign_id", "bigint", "Message number, unique, increasing with sent_at"),
							feature("customer_id", "bigint", "Recipient, a bank::customers_1 customer_id"),
							feature("channel", "string", "Channel: email, push, sms, in_app, direct_mail or phone"),
							feature("sent_at", "timestamp", "Time the message was sent, UTC"),
						},
					},
					perScale: campaignsPerScale,
					source:   func(w *world) rowSource { return newCampaignSource(w) },
				},
			},
		},
	}
}

// customerSource makes customers_1 and, with email, customers_2.
type customerSource struct {
	m     *customerModel
	email bool
	next  int64
}

func (s *customerSource) fill(b *array.RecordBuilder, n int) {
	var (
		id      = b.Field(0).(*array.Int64Builder)
		name    = b.Field(1).(*array.StringBuilder)
		age     = b.Field(2).(*array.Int32Builder)
		country = b.Field(3).(*array.StringBuilder)
		segment = b.Field(4).(*array.StringBuilder)
		signup  = b.Field(5).(*array.Date32Builder)
		limit   = b.Field(6).(*array.Float64Builder)
		domain  *array.StringBuilder
	)
	if s.email {
		domain = b.Field(7).(*array.StringBuilder)
	}
	for range n {
		s.next++
		c := s.m.draw(s.next, true)
		id.Append(s.next)
		name.Append(c.first + " " + c.last)
		if c.age == 0 {
			age.AppendNull()
		} else {
			age.Append(c.age)
		}
		if c.countryKnown {
			country.Append(countries[c.country].code)
		} else {
			country.AppendNull()
		}
		segment.Append(segments[c.segment].name)
		signup.Append(arrow.Date32(c.signup))
		limit.Append(c.creditLimit)
		if domain != nil {
			domain.Append(c.emailDomain)
		}
	}
}

// merchantSource makes merchants_1.
type merchantSource struct {
	m    *merchantModel
	next int64
}

func (s *merchantSource) fill(b *array.RecordBuilder, n int) {
	var (
		id       = b.Field(0).(*array.Int64Builder)
		name     = b.Field(1).(*array.StringBuilder)
		category = b.Field(2).(*array.StringBuilder)
		country  = b.Field(3).(*array.StringBuilder)
		risk     = b.Field(4).(*array.Float64Builder)
	)
	for range n {
		s.next++
		m := s.m.draw(s.next)
		id.Append(s.next)
		name.Append(m.name)
		category.Append(categories[m.category].name)
		country.Append(countries[m.country].code)
		if math.IsNaN(m.risk) {
			risk.AppendNull()
		} else {
			risk.Append(m.risk)
		}
	}
}

// txSource makes transactions_1.
type txSource struct {
	s *txStream
	t tx
}

func (s *txSource) fill(b *array.RecordBuilder, n int) {
	var (
		id       = b.Field(0).(*array.Int64Builder)
		customer = b.Field(1).(*array.Int64Builder)
		merchant = b.Field(2).(*array.Int64Builder)
		amount   = b.Field(3).(*array.Decimal128Builder)
		currency = b.Field(4).(*array.StringBuilder)
		ts       = b.Field(5).(*array.TimestampBuilder)
		fraud    = b.Field(6).(*array.BooleanBuilder)
	)
	for range n {
		if !s.s.fill(&s.t) {
			panic("demo: transactions_1: asked for more rows than the stream holds")
		}
		t := &s.t
		id.Append(t.id)
		customer.Append(t.customer)
		if t.merchant == 0 {
			merchant.AppendNull()
		} else {
			merchant.Append(t.merchant)
		}
		amount.Append(decimal128.FromI64(t.cents))
		currency.Append(countries[t.currency].currency)
		ts.Append(arrow.Timestamp(t.ts))
		fraud.Append(t.fraud)
	}
}

// spendSource makes customer_spend_1: for each of the most active tenth of
// the customers, 30 consecutive daily snapshots starting on a day between
// 2026-01-08 and 2026-03-02, so that every 7-day window lies within the
// transactions' period. Rows come in (ts, customer_id) order. The values
// come from replaying the transactions stream: spend_7d and tx_count_7d at
// ts cover the customer's transactions with ts-7d <= ts' < ts.
type spendSource struct {
	tx      *txStream
	t       tx
	pending bool // t holds a transaction not yet counted

	ids   []int64 // customers with snapshots, ascending
	first []int   // their first snapshot day (days since periodStart)
	slot  []int32 // index into ids by customer index, or -1

	// Daily totals of the last spendWindow days, spendWindow slots per
	// customer, slot day%spendWindow for day.
	euroCents []float64
	counts    []int64

	day  int     // the day whose snapshots are being emitted
	list []int32 // indexes into ids with a snapshot on day
	pos  int     // next entry of list
}

func newSpendSource(w *world) *spendSource {
	k := int(spendPerScale/spendDays) * w.scale
	s := &spendSource{
		tx:        newTxStream(w),
		ids:       w.topCustomers(k),
		first:     make([]int, k),
		slot:      make([]int32, w.customers),
		euroCents: make([]float64, k*spendWindow),
		counts:    make([]int64, k*spendWindow),
		day:       -1,
	}
	for i := range s.slot {
		s.slot[i] = -1
	}
	r := newRand("customer_spend_1", w.scale)
	lastStart := periodDays - spendDays
	for i, id := range s.ids {
		s.slot[id-1] = int32(i)
		s.first[i] = spendWindow + r.IntN(lastStart-spendWindow+1)
	}
	return s
}

// nextDay counts the transactions of the current day, then moves to the
// next day and lists its snapshots.
func (s *spendSource) nextDay() {
	if s.day >= 0 {
		// The current day's slot still holds the day a window ago: reuse it.
		k := s.day % spendWindow
		for i := range s.ids {
			s.euroCents[i*spendWindow+k] = 0
			s.counts[i*spendWindow+k] = 0
		}
		end := periodStart.UnixMicro() + int64(s.day+1)*dayMicros
		for {
			if !s.pending {
				if !s.tx.fill(&s.t) {
					break
				}
				s.pending = true
			}
			if s.t.ts >= end {
				break
			}
			s.pending = false
			if i := s.slot[s.t.customerIx]; i >= 0 {
				s.euroCents[int(i)*spendWindow+k] += s.t.euroCents
				s.counts[int(i)*spendWindow+k]++
			}
		}
	}
	s.day++
	s.list, s.pos = s.list[:0], 0
	for i, f := range s.first {
		if f <= s.day && s.day < f+spendDays {
			s.list = append(s.list, int32(i))
		}
	}
}

func (s *spendSource) fill(b *array.RecordBuilder, n int) {
	var (
		id    = b.Field(0).(*array.Int64Builder)
		ts    = b.Field(1).(*array.TimestampBuilder)
		spend = b.Field(2).(*array.Float64Builder)
		count = b.Field(3).(*array.Int64Builder)
	)
	for range n {
		for s.pos == len(s.list) {
			if s.day+1 >= periodDays {
				panic("demo: customer_spend_1: asked for more rows than the snapshots hold")
			}
			s.nextDay()
		}
		i := int(s.list[s.pos])
		s.pos++
		var cents float64
		var txs int64
		for k := range spendWindow {
			cents += s.euroCents[i*spendWindow+k]
			txs += s.counts[i*spendWindow+k]
		}
		id.Append(s.ids[i])
		ts.Append(arrow.Timestamp(periodStart.UnixMicro() + int64(s.day)*dayMicros))
		spend.Append(math.Round(cents) / 100)
		count.Append(txs)
	}
}

// campaignSource makes campaigns_1: messages sent mostly on weekday
// business hours, to customers picked uniformly, in time order.
type campaignSource struct {
	r        *rand.Rand
	time     *timeline
	channels weighted
	n        int64
	next     int64
	custs    int64
}

func newCampaignSource(w *world) *campaignSource {
	ch := make([]float64, len(channels))
	for i, c := range channels {
		ch[i] = c.share
	}
	return &campaignSource{
		r:        newRand("campaigns_1", w.scale),
		time:     newTimeline(periodStart.UnixMicro(), periodDays, campaignRate),
		channels: newWeighted(ch),
		n:        int64(campaignsPerScale * w.scale),
		custs:    w.customers,
	}
}

// campaignRate is the relative rate of marketing messages in hour h (UTC)
// of day d: office hours on weekdays, a morning peak, little at night and
// at weekends, none on New Year's Day.
func campaignRate(d, h int) float64 {
	t := periodStart.AddDate(0, 0, d)
	var r float64
	switch {
	case h == 7 || h == 8:
		r = 1.5
	case h >= 9 && h <= 16:
		r = 1
	case h == 17:
		r = 1.2
	case h >= 18 && h <= 20:
		r = 0.3
	default:
		r = 0.02
	}
	switch {
	case t.Month() == time.January && t.Day() == 1:
		r *= 0.01
	case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday:
		r *= 0.15
	case t.Weekday() == time.Tuesday || t.Weekday() == time.Thursday:
		r *= 1.3
	}
	return r
}

func (s *campaignSource) fill(b *array.RecordBuilder, n int) {
	var (
		id       = b.Field(0).(*array.Int64Builder)
		customer = b.Field(1).(*array.Int64Builder)
		channel  = b.Field(2).(*array.StringBuilder)
		sentAt   = b.Field(3).(*array.TimestampBuilder)
	)
	for range n {
		i := s.next
		s.next++
		id.Append(i + 1)
		customer.Append(s.r.Int64N(s.custs) + 1)
		channel.Append(channels[s.channels.pick(s.r)].name)
		sentAt.Append(arrow.Timestamp(s.time.at((float64(i) + s.r.Float64()) / float64(s.n))))
	}
}
