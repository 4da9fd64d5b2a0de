module example.com/custom-tag

go 1.22
