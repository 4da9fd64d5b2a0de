module example.com/user-constructors

go 1.22
