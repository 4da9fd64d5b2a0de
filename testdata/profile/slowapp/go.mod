module example.com/slowapp

go 1.22

require example.com/slowdep v0.1.0

replace example.com/slowdep => ./deps/example.com/slowdep
