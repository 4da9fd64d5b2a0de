// Copyright 2011 The Example Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package norm normalizes text.
package norm

import "regexp"

var space = regexp.MustCompile(`\s+`) // want "space: regexp.MustCompile"

// Spaces collapses runs of white space.
func Spaces(s string) string { return space.ReplaceAllString(s, " ") }
