module example.com/mux

go 1.22
