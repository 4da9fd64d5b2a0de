package main

import re "regexp"

// digits matches numbers.
var digits = re.MustCompile(`^\d+$`) // want "digits: regexp.MustCompile runs at every start; build it on first use \\(codemodOnceRegexp\\)"
