module example.com/allowed

go 1.22
