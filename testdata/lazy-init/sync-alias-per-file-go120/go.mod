module example.com/peralias120

go 1.20
