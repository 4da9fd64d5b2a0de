module example.com/mux-other-file

go 1.22
