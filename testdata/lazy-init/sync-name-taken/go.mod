module example.com/synctaken

go 1.22
