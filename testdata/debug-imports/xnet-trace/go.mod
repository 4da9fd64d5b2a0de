module example.com/xnettrace

go 1.22

require golang.org/x/net v0.30.0
