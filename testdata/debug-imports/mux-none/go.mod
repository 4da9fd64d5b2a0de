module example.com/mux-none

go 1.22
