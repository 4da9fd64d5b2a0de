// Package table builds lookup tables.
package table

// Table is a lookup table.
type Table struct{ rows map[string]int }

// Build makes a table from keys.
func Build(keys ...string) *Table {
	t := &Table{rows: map[string]int{}}
	for i, k := range keys {
		t.rows[k] = i
	}
	return t
}

// Index of key, or -1.
func (t *Table) Index(key string) int {
	if i, ok := t.rows[key]; ok {
		return i
	}
	return -1
}
