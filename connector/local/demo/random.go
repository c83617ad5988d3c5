package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// seed returns a seed for the random stream called name at the given scale.
// Streams are named after tables ("transactions_1") or entities
// ("customers"), so that every table draws its own values, independent of
// the others and of the order in which tables are generated.
func seed(name string, scale int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return mix64(h.Sum64() ^ mix64(uint64(scale)))
}

// newRand returns a PCG-backed generator for the stream called name.
func newRand(name string, scale int) *rand.Rand {
	s := seed(name, scale)
	return rand.New(rand.NewPCG(s, mix64(s)))
}

// mix64 is the SplitMix64 finalizer: a bijection that spreads nearby inputs
// (consecutive ids) over unrelated outputs.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// entityRand gives each entity (a customer, a merchant) its own random
// stream, so that any table can recompute an entity's attributes from its id
// alone: customers_1 and customers_2 hold the same values, and the
// transactions agree with the customers' countries, without shared state.
type entityRand struct {
	seed uint64
	pcg  rand.PCG
	r    *rand.Rand
}

func newEntityRand(name string, scale int) *entityRand {
	e := &entityRand{seed: seed(name, scale)}
	e.r = rand.New(&e.pcg)
	return e
}

// at positions the stream at the start of entity id's values.
func (e *entityRand) at(id int64) *rand.Rand {
	e.pcg.Seed(e.seed, mix64(uint64(id)))
	return e.r
}

// logNormal returns exp(N(ln median, sigma²)).
func logNormal(r *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(sigma*r.NormFloat64())
}

// weighted picks an index with probability proportional to its weight.
type weighted struct {
	cum []float64 // cumulative weights; the last is the total
}

func newWeighted(weights []float64) weighted {
	cum := make([]float64, len(weights))
	var t float64
	for i, w := range weights {
		t += w
		cum[i] = t
	}
	return weighted{cum: cum}
}

func (w weighted) pick(r *rand.Rand) int {
	u := r.Float64() * w.cum[len(w.cum)-1]
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.cum[m] > u {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// alias samples an index in [0, n) with probability proportional to given
// weights in constant time (Vose's alias method). It takes 12 bytes per
// index: a million customers cost 12 MB.
type alias struct {
	prob  []float64
	alias []int32
}

func newAlias(weights []float64) *alias {
	n := len(weights)
	a := &alias{prob: make([]float64, n), alias: make([]int32, n)}
	var total float64
	for _, w := range weights {
		total += w
	}
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, w := range weights {
		a.prob[i] = w * float64(n) / total
		if a.prob[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		a.alias[s] = l
		a.prob[l] += a.prob[s] - 1
		if a.prob[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
	}
	for _, i := range small { // only rounding error leaves these
		a.prob[i] = 1
	}
	return a
}

func (a *alias) sample(r *rand.Rand) int {
	i := r.IntN(len(a.prob))
	if r.Float64() < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}

// timeline maps the quantiles of a rate that varies by hour (a daily and
// weekly rhythm) to instants, so that a sorted sequence of quantiles gives
// sorted timestamps: rows come out in event-time order without sorting.
type timeline struct {
	start int64     // microseconds since the epoch of the first hour
	cum   []float64 // cumulative rate at the end of each hour, scaled to 1
	hour  int       // the hour of the last lookup; lookups move forward
}

const hourMicros = int64(3600) * 1e6

// newTimeline spans days days from start (microseconds since the epoch,
// midnight UTC); rate gives the relative rate of hour h of day d.
func newTimeline(start int64, days int, rate func(day, hour int) float64) *timeline {
	t := &timeline{start: start, cum: make([]float64, days*24)}
	var total float64
	for d := 0; d < days; d++ {
		for h := 0; h < 24; h++ {
			total += rate(d, h)
			t.cum[d*24+h] = total
		}
	}
	for i := range t.cum {
		t.cum[i] /= total
	}
	return t
}

// at returns the instant of quantile u in [0, 1). Successive calls must
// pass non-decreasing u.
func (t *timeline) at(u float64) int64 {
	for t.hour < len(t.cum)-1 && t.cum[t.hour] <= u {
		t.hour++
	}
	lo := 0.0
	if t.hour > 0 {
		lo = t.cum[t.hour-1]
	}
	f := (u - lo) / (t.cum[t.hour] - lo)
	f = min(max(f, 0), 1)
	us := int64(f * float64(hourMicros))
	if us >= hourMicros {
		us = hourMicros - 1
	}
	return t.start + int64(t.hour)*hourMicros + us
}
