module example.com/initfilled

go 1.22
