// Copyright 2011 The Example Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// +build ignore

// Normalization table generator: run with `go run maketables.go`, never built with
// the package beside it, so its regexp is not the package's and gets no fix.

package main

import (
	"fmt"
	"regexp"
)

var partLine = regexp.MustCompile(`^([0-9A-F]+);([^;]*);`)

func main() { fmt.Println(partLine.FindStringSubmatch("0041;LATIN CAPITAL LETTER A;")) }
