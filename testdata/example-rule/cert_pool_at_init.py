"""Package-level calls of crypto/x509.SystemCertPool.

## What it finds

A package-level `var` set by `x509.SystemCertPool()`, alone or in a `var ( ... )` block,
whatever name the file imports crypto/x509 by.

## Why

The call reads the system's root certificates from disk and parses every one of them:
about 10 ms on a Debian machine with 146 roots, before `main`, on every start, even for
`--version`.

## The fix

Load the pool once, where it is needed: `var roots = sync.OnceValues(x509.SystemCertPool)`
and `pool, err := roots()` at each use. This rule reports; it does not rewrite.
"""

from codemod import calls, syntax
from codemod.rule import Example, Pass, Rule, Safety
from codemod.scope import package_vars


def run(pass_: Pass) -> None:
    for file in pass_.package.non_test_files():
        for var in package_vars(file):  # `var x = ...` and every spec of `var ( ... )`
            for value in var.values:
                target = calls.call_target(file, value)  # follows the file's import names
                if target and target.key == ("crypto/x509", "SystemCertPool"):
                    names = ", ".join(syntax.text(n) for n in var.names)
                    pass_.report(
                        file,
                        var.spec,
                        f"{names}: {target.shown} parses every system root certificate at every start",
                    )


RULE = Rule(
    id="cert-pool-at-init",
    summary="Package-level x509.SystemCertPool(): parse the system roots on first use.",
    docs=__doc__ or "",
    safety=Safety.SAFE,
    safety_reason="Reports only.",
    run=run,
    examples=(
        Example(
            "A pool loaded at every start",
            'package p\n\nimport "crypto/x509"\n\nvar roots, rootsErr = x509.SystemCertPool()\n',
        ),
        Example(
            "A pool loaded when it is needed",
            'package p\n\nimport "crypto/x509"\n\nfunc Roots() (*x509.CertPool, error) { return x509.SystemCertPool() }\n',
            reported=False,
        ),
    ),
)
