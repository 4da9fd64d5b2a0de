// Package closures fills its tables with the help of func literals that run at once.
package closures

import "sort"

var v = 2 // the name the value's struct would take

var (
	sorted []string
	rank   map[string]int
)

func init() { // want "fills sorted and rank at every start; build them on first use"
	sorted = append(sorted, "pear", "apple", "fig")
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	rank = map[string]int{}
	func() {
		for i, s := range sorted {
			rank[s] = i * v
		}
	}()
}

// Rank is twice the place of s in the sorted fruit.
func Rank(s string) int { return rank[s] }

// First is the first fruit.
func First() string { return sorted[0] }
