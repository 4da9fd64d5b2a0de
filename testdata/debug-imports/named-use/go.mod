module example.com/named-use

go 1.22
