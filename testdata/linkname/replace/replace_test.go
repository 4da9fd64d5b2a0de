package replace

import (
	"testing"
	"time"
)

func TestReplace(t *testing.T) {
	if got := Token(8); len(got) != 8 {
		t.Fatalf("token %q", got)
	}
	if Elapsed(func() { time.Sleep(time.Millisecond) }) < time.Millisecond {
		t.Fatal("elapsed")
	}
	if NextSample(0) != 0 {
		t.Fatal("a sample at rate 0")
	}
	sum := 0
	for i := 0; i < 10000; i++ {
		n := NextSample(1000)
		if n < 0 {
			t.Fatal("negative sample")
		}
		sum += int(n)
	}
	if mean := sum / 10000; mean < 900 || mean > 1100 {
		t.Fatalf("mean %d, want about 1000", mean)
	}
	_ = Seed()
}
