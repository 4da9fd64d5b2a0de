module example.com/replace

go 1.22
