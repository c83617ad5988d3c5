package catalog

import (
	"cmp"
	"slices"
)

// maxSuggestions is the most names an error suggests.
const maxSuggestions = 3

// Suggest returns up to three of candidates that are close to name, closest
// first, for "did you mean" messages. Closeness is the Damerau-Levenshtein
// distance (optimal string alignment: insertions, deletions, substitutions
// and transpositions of adjacent characters each cost one); a candidate is
// close if it is at most a third of name's length away, and never more
// than one edit away for names shorter than six characters. Ties keep the
// order of candidates, and a candidate listed twice is suggested once. Suggest compares names as given, so callers
// lower-case both sides for case-insensitive names. The planner can use it
// for unknown columns too.
func Suggest(name string, candidates []string) []string {
	cs := make([]candidate, len(candidates))
	for i, c := range candidates {
		cs[i] = candidate{key: c, text: c, group: c}
	}
	return suggest(name, cs)
}

// candidate is a name that might be suggested: key is compared with the
// missing name, text is what the suggestion shows, and of the candidates of
// one group only the closest is suggested.
type candidate struct {
	key, text, group string
}

// suggest returns the texts of up to maxSuggestions candidates whose keys are
// close to name, closest first, in candidates' order among equals, one per
// group.
func suggest(name string, candidates []candidate) []string {
	type match struct {
		text, group string
		dist        int
	}
	target := []rune(name)
	limit := max(len(target), 3) / 3
	var matches []match
	for _, c := range candidates {
		if d := distance(target, []rune(c.key), limit); d <= limit {
			matches = append(matches, match{c.text, c.group, d})
		}
	}
	slices.SortStableFunc(matches, func(a, b match) int { return cmp.Compare(a.dist, b.dist) })
	var out []string
	seen := make(map[string]bool)
	for _, m := range matches {
		if len(out) == maxSuggestions {
			break
		}
		if !seen[m.group] {
			seen[m.group] = true
			out = append(out, m.text)
		}
	}
	return out
}

// distance returns the optimal-string-alignment distance between a and b,
// or limit+1 if it is certainly larger than limit.
func distance(a, b []rune, limit int) int {
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	// d[i][j] is the distance between a[:i] and b[:j]; three rows suffice.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
