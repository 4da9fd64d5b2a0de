module example.com/blockdoc

go 1.22
