module example.com/peralias

go 1.22
