module example.com/registration

go 1.22
