package hopsworkstest

import "slices"

// convertJoin resolves the join of right to left: on names features of
// both sides; else leftOn and rightOn pair them up; else the join is on the
// primary keys the two sides have in common by name.
func (r *resolver) convertJoin(left, right *rquery, j joinDTO) (*rjoin, *apiError) {
	typ := "INNER"
	if j.Type != nil {
		typ = *j.Type
	}
	if _, ok := joinKeyword(typ); !ok {
		return nil, newError(errIllegalArgument, "Join type %s is not one of INNER, LEFT, RIGHT, FULL, CROSS, LEFT_SEMI_JOIN, COMMA", typ)
	}
	join := &rjoin{right: right, typ: typ, prefix: deref(j.Prefix)}
	var leftNames, rightNames []string
	switch {
	case len(j.On) > 0:
		leftNames, rightNames = names(j.On), names(j.On)
	case len(j.LeftOn) > 0:
		if len(j.LeftOn) != len(j.RightOn) {
			return nil, &apiError{code: errLeftRightOnSizes}
		}
		leftNames, rightNames = names(j.LeftOn), names(j.RightOn)
	default:
		for _, lf := range left.available {
			if !lf.primary {
				continue
			}
			for _, rf := range right.available {
				if rf.primary && rf.name == lf.name {
					join.leftOn = append(join.leftOn, rf)
					join.rightOn = append(join.rightOn, rf)
				}
			}
		}
		if len(join.leftOn) == 0 {
			return nil, newError(errNoPKJoiningKeys, "%s and: %s", left.fg.meta.Name, right.fg.meta.Name)
		}
		return join, nil
	}
	for _, side := range []struct {
		q     *rquery
		names []string
		dst   *[]*qfeature
	}{{left, leftNames, &join.leftOn}, {right, rightNames, &join.rightOn}} {
		for _, name := range side.names {
			f := findFeature(side.q.available, name)
			if f == nil {
				return nil, newError(errFeatureDoesNotExist, "Could not find Join feature %s in feature group: %s", name, side.q.fg.meta.Name)
			}
			*side.dst = append(*side.dst, f)
		}
	}
	return join, nil
}

// keyword returns how the join is written, e.g. "LEFT JOIN".
func (j *rjoin) keyword() string {
	kw, _ := joinKeyword(j.typ) // validated by convertJoin
	return kw
}

func names(fs []featureRefDTO) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// removeDuplicateColumns drops from each joined query the features that
// are join keys the left side already selects, as Spark refuses duplicate
// column names; for a point-in-time query it also drops the right side's
// event time.
func removeDuplicateColumns(q *rquery, pit bool) {
	for _, j := range q.joins {
		keys := make([]string, len(j.leftOn))
		for i, f := range j.leftOn {
			keys[i] = f.name
		}
		var kept []*qfeature
		for _, rf := range j.right.selected {
			if slices.Contains(keys, rf.name) && slices.ContainsFunc(q.selected, func(lf *qfeature) bool {
				return lf.name == rf.outName()
			}) {
				continue
			}
			if pit && rf.name == j.right.fg.meta.EventTime {
				continue
			}
			kept = append(kept, rf)
		}
		j.right.selected = kept
	}
}

// collectFeatures returns the select list: the root's features, then each
// joined query's, with the join's prefix.
func collectFeatures(q *rquery) []*qfeature {
	out := slices.Clone(q.selected)
	for _, j := range q.joins {
		for _, f := range collectFeatures(j.right) {
			if j.prefix != "" {
				f.prefix = j.prefix
			}
			out = append(out, f)
		}
	}
	return out
}

// lookupOrder returns the feature group ids of the query in the order the
// backend's HashMap<Integer, …> iterates them: by bucket (id modulo the
// table size, 16 doubling whenever more than three quarters full), then in
// insertion order. The backend searches for a filtered feature without a
// featureGroupId in this order.
func (r *resolver) lookupOrder() []int {
	size := 16
	for len(r.order) > size*3/4 {
		size *= 2
	}
	out := slices.Clone(r.order)
	slices.SortStableFunc(out, func(a, b int) int {
		return hashBucket(a, size) - hashBucket(b, size)
	})
	return out
}

// hashBucket is the bucket of Integer key in a HashMap table of the given
// size (a power of two): (h ^ h>>>16) & (size-1).
func hashBucket(key, size int) int {
	h := uint32(int32(key))
	return int((h ^ h>>16) & uint32(size-1))
}
