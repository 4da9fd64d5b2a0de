module example.com/otherfile

go 1.22
