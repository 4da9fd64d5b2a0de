module example.com/trailing

go 1.22
