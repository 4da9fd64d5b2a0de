package client

import "crypto/x509"

// Tests may load the pool eagerly: they are not part of a program's start.
var testPool, _ = x509.SystemCertPool()
