module example.com/initapp

go 1.22

require example.com/initdep v0.1.0

replace example.com/initdep => ./deps/example.com/initdep
