package words

import "sync"

var mu sync.Mutex

// Locked runs f holding the package lock.
func Locked(f func()) {
	mu.Lock()
	defer mu.Unlock()
	f()
}
