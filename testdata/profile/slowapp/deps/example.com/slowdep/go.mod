module example.com/slowdep

go 1.22
