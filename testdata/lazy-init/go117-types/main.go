package main

import "fmt"

func main() {
	fmt.Println(digits.MatchString("42"), word.MatchString("a"), unescape.Replace("&lt;"), kinds["l"])
}
