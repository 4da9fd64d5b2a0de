// Package constrained fills a table only on Linux.
package constrained
