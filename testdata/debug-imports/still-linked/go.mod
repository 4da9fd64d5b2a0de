module example.com/stilllinked

go 1.22
