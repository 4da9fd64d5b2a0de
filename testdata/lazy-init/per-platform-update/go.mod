module example.com/platformupdate

go 1.22
