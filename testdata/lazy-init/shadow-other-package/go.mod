module example.com/shadow-other-package

go 1.22
