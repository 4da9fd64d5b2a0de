module example.com/go117types

go 1.17
