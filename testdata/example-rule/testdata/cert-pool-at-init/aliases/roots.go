package client

import (
	"crypto/tls"
	cx "crypto/x509"
)

var pool, poolErr = cx.SystemCertPool() // want "pool, poolErr: cx.SystemCertPool parses every system root certificate"

var (
	name = "roots"

	// The pool every client shares.
	shared, _ = cx.SystemCertPool() // want "shared, _: cx.SystemCertPool"
)

// Config builds a pool when it is called: not at start-up.
func Config() (*tls.Config, error) {
	roots, err := cx.SystemCertPool()
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: roots, ServerName: name}, nil
}
