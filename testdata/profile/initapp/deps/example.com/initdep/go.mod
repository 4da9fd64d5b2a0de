module example.com/initdep

go 1.22
