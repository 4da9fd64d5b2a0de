module example.com/mux-go121

go 1.21
