module example.com/go117names

go 1.17
