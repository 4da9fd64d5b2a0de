module example.com/dependents

go 1.22
