module example.com/update-generated-test

go 1.22
