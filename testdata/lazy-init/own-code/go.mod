module example.com/owncode

go 1.22
