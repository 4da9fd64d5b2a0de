package main

import (
	"fmt"

	tbl "example.com/user-constructors/table"
)

var colors = tbl.Build("red", "green", "blue") // want "colors: table.Build runs at every start"

func main() {
	fmt.Println(colors.Index("green"))
}
