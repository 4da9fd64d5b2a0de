// Package sync is the module's own package of that name.
package sync

// Generation counts synced generations.
func Generation() int { return 1 }
